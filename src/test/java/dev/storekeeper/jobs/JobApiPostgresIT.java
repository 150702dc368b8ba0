package dev.storekeeper.jobs;

import dev.storekeeper.OnPostgres;

@OnPostgres
class JobApiPostgresIT extends JobApiIT {}

package dev.storekeeper.jobs;

import dev.storekeeper.OnPostgres;

@OnPostgres
class BadInputPostgresIT extends BadInputIT {}

package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CapacityPostgresIT extends CapacityIT {}

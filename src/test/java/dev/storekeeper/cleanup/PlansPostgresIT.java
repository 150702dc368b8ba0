package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class PlansPostgresIT extends PlansIT {}

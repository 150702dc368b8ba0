package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class HoldsPostgresIT extends HoldsIT {}

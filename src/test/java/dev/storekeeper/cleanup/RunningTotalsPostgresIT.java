package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class RunningTotalsPostgresIT extends RunningTotalsIT {}

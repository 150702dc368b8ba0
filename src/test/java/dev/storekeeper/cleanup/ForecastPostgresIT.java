package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class ForecastPostgresIT extends ForecastIT {}

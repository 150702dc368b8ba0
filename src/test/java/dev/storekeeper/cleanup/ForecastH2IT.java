package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class ForecastH2IT extends ForecastIT {}

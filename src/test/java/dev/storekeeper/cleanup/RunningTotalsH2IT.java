package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class RunningTotalsH2IT extends RunningTotalsIT {}

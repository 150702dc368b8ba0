package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CapacityH2IT extends CapacityIT {}

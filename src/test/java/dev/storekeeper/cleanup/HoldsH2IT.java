package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class HoldsH2IT extends HoldsIT {}

package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class PlansH2IT extends PlansIT {}

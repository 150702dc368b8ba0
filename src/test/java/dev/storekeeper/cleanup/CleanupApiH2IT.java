package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CleanupApiH2IT extends CleanupApiIT {}

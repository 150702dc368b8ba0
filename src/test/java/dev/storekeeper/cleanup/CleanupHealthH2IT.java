package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CleanupHealthH2IT extends CleanupHealthIT {}

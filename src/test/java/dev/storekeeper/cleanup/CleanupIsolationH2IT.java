package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CleanupIsolationH2IT extends CleanupIsolationFilesystemIT {}

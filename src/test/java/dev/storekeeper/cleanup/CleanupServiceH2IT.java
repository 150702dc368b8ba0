package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CleanupServiceH2IT extends CleanupServiceFilesystemIT {}

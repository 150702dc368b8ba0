package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class HostileFilesystemH2IT extends HostileFilesystemIT {}

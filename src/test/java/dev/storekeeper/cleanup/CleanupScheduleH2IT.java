package dev.storekeeper.cleanup;

import dev.storekeeper.OnH2;

@OnH2
class CleanupScheduleH2IT extends CleanupScheduleIT {}

package dev.storekeeper.cleanup;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CleanupSchedulePostgresIT extends CleanupScheduleIT {}

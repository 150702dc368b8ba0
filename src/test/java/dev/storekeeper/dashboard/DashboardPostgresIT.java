package dev.storekeeper.dashboard;

import dev.storekeeper.OnPostgres;

@OnPostgres
class DashboardPostgresIT extends DashboardIT {}

package dev.storekeeper.dashboard;

import dev.storekeeper.OnH2;

@OnH2
class DashboardH2IT extends DashboardIT {}

package dev.storekeeper.jobs;

import dev.storekeeper.OnH2;

@OnH2
class JobApiH2IT extends JobApiIT {}

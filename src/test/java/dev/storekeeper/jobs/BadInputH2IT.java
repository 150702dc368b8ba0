package dev.storekeeper.jobs;

import dev.storekeeper.OnH2;

@OnH2
class BadInputH2IT extends BadInputIT {}

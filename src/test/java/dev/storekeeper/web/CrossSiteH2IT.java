package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class CrossSiteH2IT extends CrossSiteIT {}

package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class CrossSitePostgresIT extends CrossSiteIT {}

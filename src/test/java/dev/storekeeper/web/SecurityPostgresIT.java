package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class SecurityPostgresIT extends SecurityIT {}

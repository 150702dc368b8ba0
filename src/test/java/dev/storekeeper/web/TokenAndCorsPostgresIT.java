package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class TokenAndCorsPostgresIT extends TokenAndCorsIT {}

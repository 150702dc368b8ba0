package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class RequestBodiesPostgresIT extends RequestBodiesIT {}

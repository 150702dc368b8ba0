package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class WebErrorsPostgresIT extends WebErrorsIT {}

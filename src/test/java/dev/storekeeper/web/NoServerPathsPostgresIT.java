package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class NoServerPathsPostgresIT extends NoServerPathsIT {}

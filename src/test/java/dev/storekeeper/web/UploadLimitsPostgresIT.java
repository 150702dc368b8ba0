package dev.storekeeper.web;

import dev.storekeeper.OnPostgres;

@OnPostgres
class UploadLimitsPostgresIT extends UploadLimitsIT {}

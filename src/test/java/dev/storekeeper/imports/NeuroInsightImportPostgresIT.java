package dev.storekeeper.imports;

import dev.storekeeper.OnPostgres;

@OnPostgres
class NeuroInsightImportPostgresIT extends NeuroInsightImportIT {}

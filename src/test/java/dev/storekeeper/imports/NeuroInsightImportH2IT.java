package dev.storekeeper.imports;

import dev.storekeeper.OnH2;

@OnH2
class NeuroInsightImportH2IT extends NeuroInsightImportIT {}

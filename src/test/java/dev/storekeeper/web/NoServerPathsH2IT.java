package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class NoServerPathsH2IT extends NoServerPathsIT {}

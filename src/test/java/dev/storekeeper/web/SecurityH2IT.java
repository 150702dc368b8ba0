package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class SecurityH2IT extends SecurityIT {}

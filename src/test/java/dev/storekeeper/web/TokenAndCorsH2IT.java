package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class TokenAndCorsH2IT extends TokenAndCorsIT {}

package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class RequestBodiesH2IT extends RequestBodiesIT {}

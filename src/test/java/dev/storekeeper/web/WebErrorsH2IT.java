package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class WebErrorsH2IT extends WebErrorsIT {}

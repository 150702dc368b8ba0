package dev.storekeeper.web;

import dev.storekeeper.OnH2;

@OnH2
class UploadLimitsH2IT extends UploadLimitsIT {}

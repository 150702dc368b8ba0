package dev.storekeeper.cleanup;

/** Thrown at a protocol step to stop a run the way a killed process stops: nothing cleaned up. */
class SimulatedCrash extends Error {}

package dev.storekeeper.cleanup;

/**
 * Test seam: thrown at a protocol step ({@link CleanupExecutor#checkpoint}) to stop a run the way a
 * killed process stops it, with nothing cleaned up: no ledger update, no lock release. Every other
 * failure, {@link Error}s included, ends the run as {@code failed} and releases the lock; this one
 * is let through so that tests can prove what the next run does after a real kill.
 */
class SimulatedCrash extends Error {}

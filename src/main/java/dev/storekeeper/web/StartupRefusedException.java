package dev.storekeeper.web;

/**
 * A web setting that must not be started with, such as job endpoints open to the network with no
 * token. {@link StartupRefusedAnalyzer} shows the message and the fix, without a stack trace.
 */
class StartupRefusedException extends RuntimeException {

  private final String action;

  StartupRefusedException(String message, String action) {
    super(message);
    this.action = action;
  }

  String action() {
    return action;
  }
}

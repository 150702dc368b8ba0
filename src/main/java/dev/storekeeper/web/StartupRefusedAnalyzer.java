package dev.storekeeper.web;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a refused web setting as a configuration error naming the variable. */
class StartupRefusedAnalyzer extends AbstractFailureAnalyzer<StartupRefusedException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, StartupRefusedException cause) {
    return new FailureAnalysis(
        "Invalid configuration: " + cause.getMessage(), cause.action(), cause);
  }
}

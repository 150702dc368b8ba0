package dev.storekeeper.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code -V}: the version in the jar's manifest. */
final class Version implements IVersionProvider {

  @Override
  public String[] getVersion() {
    String version = Version.class.getPackage().getImplementationVersion();
    return new String[] {"storekeeper " + (version == null ? "(development build)" : version)};
  }
}

package dev.storekeeper.cli;

import picocli.CommandLine.TypeConversionException;

/** {@code --threads}: jobs copied at once, 1 to 32. */
final class MigrateThreads extends WholeNumber {

  MigrateThreads() {
    super(32);
  }

  @Override
  public Integer convert(String value) {
    int threads = super.convert(value);
    if (threads < 1) {
      throw new TypeConversionException(
          "must be a whole number between 1 and 32, got \"" + value + "\"");
    }
    return threads;
  }
}

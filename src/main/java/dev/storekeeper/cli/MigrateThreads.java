package dev.storekeeper.cli;

/** {@code --threads}: jobs copied at once, 1 to 32. */
final class MigrateThreads extends WholeNumber {

  MigrateThreads() {
    super(32);
  }

  @Override
  public Integer convert(String value) {
    return atLeastOne(value);
  }
}

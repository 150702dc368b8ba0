package dev.storekeeper.cli;

/** How many entries a listing command prints: 1 to 1000, as the API's pages. */
final class PageSize extends WholeNumber {

  PageSize() {
    super(1000);
  }

  @Override
  public Integer convert(String value) {
    return atLeastOne(value);
  }
}

package dev.storekeeper.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option's whole number from 0 to a maximum: digits only (a leading {@code +} and zeros are
 * fine), never a fraction, a sign or an exponent. The message completes "--option ..." (see {@link
 * UsageErrors}).
 */
abstract class WholeNumber implements ITypeConverter<Integer> {

  private final int max;

  WholeNumber(int max) {
    this.max = max;
  }

  @Override
  public Integer convert(String value) {
    return parse(value);
  }

  private int parse(String value) {
    String text = value.strip();
    if (!text.matches("\\+?[0-9]+")) {
      throw new TypeConversionException("must be a whole number >= 0, got \"" + value + "\"");
    }
    String digits = text.replaceFirst("^\\+?0*", "");
    if (digits.length() > String.valueOf(max).length()
        || (!digits.isEmpty() && Long.parseLong(digits) > max)) {
      throw new TypeConversionException(
          "must be a whole number between 0 and " + max + ", got \"" + value + "\"");
    }
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }

  /** The number, refusing 0: for a count that must be at least one. */
  final Integer atLeastOne(String value) {
    int number = parse(value);
    if (number == 0) {
      throw new TypeConversionException(
          "must be a whole number between 1 and " + max + ", got \"" + value + "\"");
    }
    return number;
  }
}

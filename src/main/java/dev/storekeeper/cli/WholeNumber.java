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
    return parse(value, 0);
  }

  /**
   * The number, at least {@code min}; every refusal names the range the option takes, so "0" and
   * "33" for a count from 1 to 32 are told the same bounds.
   */
  private int parse(String value, int min) {
    String text = value.strip();
    if (!text.matches("\\+?[0-9]+")) {
      throw new TypeConversionException(
          "must be a whole number >= " + min + ", got \"" + value + "\"");
    }
    String digits = text.replaceFirst("^\\+?0*", "");
    boolean tooLarge =
        digits.length() > String.valueOf(max).length()
            || (!digits.isEmpty() && Long.parseLong(digits) > max);
    int number = tooLarge || digits.isEmpty() ? 0 : Integer.parseInt(digits);
    if (tooLarge || number < min) {
      throw new TypeConversionException(
          "must be a whole number between " + min + " and " + max + ", got \"" + value + "\"");
    }
    return number;
  }

  /** The number, refusing 0: for a count that must be at least one. */
  final Integer atLeastOne(String value) {
    return parse(value, 1);
  }
}

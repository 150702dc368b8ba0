package dev.storekeeper.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A retention override in days: a whole number from 0 to 36500 (the same bounds as the {@code
 * RETENTION_*_DAYS} settings). The message completes "--completed-days ..." (see {@link
 * UsageErrors}).
 */
final class Days implements ITypeConverter<Integer> {

  static final int MAX = 36_500;

  @Override
  public Integer convert(String value) {
    String text = value.strip();
    if (!text.matches("\\+?[0-9]+")) {
      throw new TypeConversionException("must be a whole number >= 0, got \"" + value + "\"");
    }
    String digits = text.replaceFirst("^\\+?0*", "");
    if (digits.length() > 5 || (!digits.isEmpty() && Integer.parseInt(digits) > MAX)) {
      throw new TypeConversionException(
          "must be a whole number between 0 and " + MAX + ", got \"" + value + "\"");
    }
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }
}

package dev.storekeeper.cli;

import dev.storekeeper.cleanup.ForecastService;
import picocli.CommandLine.TypeConversionException;

/** Days to forecast: 1 to 365, as {@code days} of GET /cleanup/forecast. */
final class ForecastDays extends WholeNumber {

  ForecastDays() {
    super(ForecastService.MAX_DAYS);
  }

  @Override
  public Integer convert(String value) {
    int days;
    try {
      days = super.convert(value);
    } catch (TypeConversionException notInRange) {
      days = 0;
    }
    if (days < 1) {
      throw new TypeConversionException(
          "must be a whole number between 1 and "
              + ForecastService.MAX_DAYS
              + ", got \""
              + value
              + "\"");
    }
    return days;
  }
}

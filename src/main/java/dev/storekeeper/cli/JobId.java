package dev.storekeeper.cli;

import java.util.UUID;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A job id as the API shows it: a UUID, 36 characters. */
final class JobId implements ITypeConverter<UUID> {

  @Override
  public UUID convert(String value) {
    try {
      if (value.length() == 36) {
        return UUID.fromString(value);
      }
    } catch (IllegalArgumentException invalid) {
      // reported below
    }
    String shown = value.length() <= 60 ? value : value.substring(0, 60) + "...";
    throw new TypeConversionException("must be a job id (a UUID), got \"" + shown + "\"");
  }
}

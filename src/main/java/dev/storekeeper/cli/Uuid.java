package dev.storekeeper.cli;

import java.util.UUID;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An id as the API shows it: a UUID, 36 characters; the message names what the id is of. */
abstract class Uuid implements ITypeConverter<UUID> {

  private final String what;

  Uuid(String what) {
    this.what = what;
  }

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
    throw new TypeConversionException("must be a " + what + " (a UUID), got \"" + shown + "\"");
  }
}

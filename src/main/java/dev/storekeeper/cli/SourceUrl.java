package dev.storekeeper.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A PostgreSQL JDBC URL. The value is never repeated in the message: it may carry a password
 * ({@code ?password=...}).
 */
final class SourceUrl implements ITypeConverter<String> {

  @Override
  public String convert(String value) {
    if (!value.startsWith("jdbc:postgresql:") || value.length() <= "jdbc:postgresql:".length()) {
      throw new TypeConversionException(
          "must be a PostgreSQL JDBC URL, jdbc:postgresql://HOST:PORT/DATABASE (the reference"
              + " application's database)");
    }
    return value;
  }
}

package dev.storekeeper.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Where {@code storage migrate} copies to: only the S3 backend ({@code s3}) is a target. */
final class StorageTarget implements ITypeConverter<String> {

  @Override
  public String convert(String value) {
    if (!"s3".equals(value)) {
      throw new TypeConversionException("must be s3, got \"" + value + "\"");
    }
    return value;
  }
}

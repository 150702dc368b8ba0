package dev.storekeeper.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An existing directory to read from. */
final class SourceDir implements ITypeConverter<Path> {

  @Override
  public Path convert(String value) {
    Path path;
    try {
      path = Path.of(value);
    } catch (InvalidPathException invalid) {
      throw new TypeConversionException("must be a directory, got \"" + value + "\"");
    }
    if (!Files.isDirectory(path)) {
      throw new TypeConversionException(
          "must be an existing directory (the reference application's data/), got \""
              + value
              + "\"");
    }
    return path;
  }
}

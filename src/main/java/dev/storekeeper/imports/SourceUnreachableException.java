package dev.storekeeper.imports;

/** The source database could not be reached or read; not a fault of the options' form. */
public class SourceUnreachableException extends RuntimeException {

  SourceUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}

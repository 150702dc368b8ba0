package dev.storekeeper.processing;

/** Processing failed; the message is stored as the job's {@code error_message}. */
public class ProcessingException extends Exception {

  public ProcessingException(String message) {
    super(message);
  }

  public ProcessingException(String message, Throwable cause) {
    super(message, cause);
  }
}

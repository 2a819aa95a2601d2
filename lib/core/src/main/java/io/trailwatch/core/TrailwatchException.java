package io.trailwatch.core;

/**
 * The one exception type of trailwatch. Its {@link Kind} says whose problem it is, and the
 * command line maps kinds to exit codes in one place.
 */
public final class TrailwatchException extends RuntimeException {
  /** Whose problem an error is. */
  public enum Kind {
    /** Bad flag, bad config, missing folder: the user can fix it. Exit code 2, one line. */
    USER(2),
    /** Something outside us failed: S3 access denied, HEC 401. Exit code 3, with the cause. */
    EXTERNAL(3),
    /** A bug. Exit code 4, with the stack trace. */
    INTERNAL(4);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }
  }

  private final ErrorCode code;

  private TrailwatchException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** An error of {@code code}'s kind, with a message naming what failed. */
  public static TrailwatchException of(ErrorCode code, String format, Object... args) {
    return new TrailwatchException(code, String.format(format, args), null);
  }

  /** A foreign exception wrapped once, where it happened, with the resource named in the message. */
  public static TrailwatchException wrap(ErrorCode code, Throwable cause, String format, Object... args) {
    return new TrailwatchException(code, String.format(format, args), cause);
  }

  public Kind kind() {
    return code.kind();
  }

  /** The stable, machine-readable code, such as {@link ErrorCode#BAD_HOUR}. */
  public ErrorCode code() {
    return code;
  }
}

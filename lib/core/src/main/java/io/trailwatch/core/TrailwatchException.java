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

  private final Kind kind;
  private final String code;

  private TrailwatchException(Kind kind, String code, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.code = code;
  }

  public static TrailwatchException user(String code, String format, Object... args) {
    return new TrailwatchException(Kind.USER, code, String.format(format, args), null);
  }

  public static TrailwatchException external(String code, Throwable cause, String format, Object... args) {
    return new TrailwatchException(Kind.EXTERNAL, code, String.format(format, args), cause);
  }

  public static TrailwatchException internal(String code, Throwable cause, String format, Object... args) {
    return new TrailwatchException(Kind.INTERNAL, code, String.format(format, args), cause);
  }

  public Kind kind() {
    return kind;
  }

  /** A stable, machine-readable error code such as {@code BAD_HOUR} or {@code UNKNOWN_CONFIG_KEY}. */
  public String code() {
    return code;
  }
}

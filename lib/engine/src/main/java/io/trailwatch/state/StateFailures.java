package io.trailwatch.state;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Failures of the state's store (a local folder, or S3 through s3a, under Delta and Spark)
 * turned into external errors that name what failed. Anything else is left alone: it is a bug.
 */
public final class StateFailures {
  private StateFailures() {}

  /**
   * The external error for {@code e} met while working on {@code where} (a table or the state
   * root), or empty when nothing in its causes comes from outside trailwatch.
   */
  public static Optional<TrailwatchException> classify(String where, Throwable e) {
    ErrorCode code = null;
    Throwable root = e;
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof TrailwatchException te) {
        return Optional.of(te);
      }
      root = c;
      String type = c.getClass().getName();
      String msg = String.valueOf(c.getMessage());
      if (c instanceof ConnectException || c instanceof NoRouteToHostException || c instanceof UnknownHostException
          || c instanceof SocketTimeoutException || type.endsWith("ConnectTimeoutException")
          || type.endsWith("HttpHostConnectException") || msg.contains("Connection refused")) {
        code = ErrorCode.STATE_UNREACHABLE;
        break;
      }
      if (type.equals("org.apache.hadoop.fs.s3a.UnknownStoreException") || msg.contains("NoSuchBucket")
          || msg.contains("bucket does not exist")) {
        code = ErrorCode.STATE_NOT_FOUND;
        break;
      }
      if (c instanceof java.nio.file.AccessDeniedException || msg.contains("AccessDenied")
          || msg.contains("403 Forbidden") || msg.contains("Status Code: 403")) {
        code = ErrorCode.STATE_ACCESS_DENIED;
        break;
      }
      if (type.startsWith("io.delta.exceptions.") && type.endsWith("Exception")
          && (msg.contains("concurrent") || msg.contains("Concurrent"))) {
        code = ErrorCode.STATE_COMMIT_CONFLICT;
        break;
      }
      if (c instanceof IOException && code == null) {
        code = ErrorCode.STATE_IO_FAILED;
      }
    }
    if (code == null) {
      return Optional.empty();
    }
    return Optional.of(TrailwatchException.wrap(code, e, "%s %s: %s", describe(code), where, summary(root)));
  }

  /** {@code e} as an external error when it comes from the store, else {@code e} itself (a bug). */
  public static RuntimeException rethrow(String where, RuntimeException e) {
    return classify(where, e).<RuntimeException>map(t -> t).orElse(e);
  }

  /** Whether a Delta failure is another writer committing first (worth a retry after a pause). */
  static boolean isConflict(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String type = c.getClass().getName();
      if (type.startsWith("io.delta.exceptions.") || type.endsWith("FileAlreadyExistsException")
          || type.contains("ConcurrentModification") || type.endsWith("ProtocolChangedException")
          || type.endsWith("MetadataChangedException")) {
        return true;
      }
    }
    return false;
  }

  private static String describe(ErrorCode code) {
    return switch (code) {
      case STATE_UNREACHABLE -> "Cannot reach the state's store for";
      case STATE_NOT_FOUND -> "The state's bucket does not exist for";
      case STATE_ACCESS_DENIED -> "Access denied to";
      case STATE_COMMIT_CONFLICT -> "Another job committed at the same time to";
      default -> "Cannot read or write";
    };
  }

  /** The innermost cause in one line: its type and the first line of its message, bounded. */
  static String summary(Throwable root) {
    String msg = root.getMessage() == null ? "" : root.getMessage().strip();
    int nl = msg.indexOf('\n');
    if (nl >= 0) {
      msg = msg.substring(0, nl);
    }
    if (msg.length() > 300) {
      msg = msg.substring(0, 300) + "...";
    }
    return root.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
  }
}

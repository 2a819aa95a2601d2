package io.trailwatch.aws;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Retries AWS calls that failed for a passing reason (503 SlowDown, 500, throttling such as
 * TooManyRequestsException or ProvisionedThroughputExceededException, a dropped connection) with
 * exponential backoff and full jitter; every other failure is thrown at once. {@link #sdkStrategy}
 * is the same policy for the SDK's own retries, where calls go through SDK paginators.
 */
final class Retrying {
  /** Waits between attempts; tests pass one that records instead of sleeping. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private static final Set<Integer> RETRY_STATUS = Set.of(500, 502, 503, 504);
  private static final Set<String> RETRY_CODES = Set.of("SlowDown", "RequestTimeout", "InternalError",
      "ServiceUnavailable", "Throttling", "ThrottlingException", "RequestLimitExceeded");

  private final int maxAttempts;
  private final long baseMillis;
  private final long capMillis;
  private final Sleeper sleeper;

  Retrying(int maxAttempts, long baseMillis, long capMillis, Sleeper sleeper) {
    this.maxAttempts = maxAttempts;
    this.baseMillis = baseMillis;
    this.capMillis = capMillis;
    this.sleeper = sleeper;
  }

  /** 8 attempts, waits of up to 0.1 s, 0.2 s, ... capped at 10 s: about half a minute of throttling at most. */
  static Retrying standard() {
    return new Retrying(8, 100, 10_000, Thread::sleep);
  }

  /**
   * The SDK's standard retry strategy with this policy: as many attempts, full-jitter exponential
   * waits from the same base to the same cap for throttling and for other passing errors (5xx,
   * I/O), and no circuit breaker (a long listing must not give up because earlier calls were
   * retried).
   */
  RetryStrategy sdkStrategy() {
    BackoffStrategy backoff = BackoffStrategy.exponentialDelay(Duration.ofMillis(Math.max(1, baseMillis)),
        Duration.ofMillis(Math.max(1, capMillis)));
    return AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(maxAttempts)
        .backoffStrategy(backoff)
        .throttlingBackoffStrategy(backoff)
        .circuitBreakerEnabled(false)
        .build();
  }

  /** Waits before attempt {@code attempt + 1} ({@link #delay}); false when interrupted (the flag is set again). */
  boolean pause(int attempt) {
    try {
      sleeper.sleep(delay(attempt));
      return true;
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  int maxAttempts() {
    return maxAttempts;
  }

  <T> T call(Supplier<T> op) {
    for (int attempt = 1; ; attempt++) {
      try {
        return op.get();
      } catch (RuntimeException e) {
        if (attempt >= maxAttempts || !retryable(e)) {
          throw e;
        }
        if (!pause(attempt)) {
          throw e;
        }
      }
    }
  }

  /** Full jitter: uniform in [0, min(cap, base * 2^(attempt-1))]. */
  long delay(int attempt) {
    long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt - 1, 30));
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  static boolean retryable(Throwable e) {
    if (e instanceof AwsServiceException s) {
      String code = s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
      return RETRY_STATUS.contains(s.statusCode()) || (code != null && RETRY_CODES.contains(code))
          || s.isThrottlingException();
    }
    if (e instanceof SdkClientException) {
      // Connection refused or reset, timeouts: the cause is an I/O error. Missing credentials is not.
      for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
        if (c instanceof IOException) {
          return true;
        }
      }
    }
    return false;
  }
}

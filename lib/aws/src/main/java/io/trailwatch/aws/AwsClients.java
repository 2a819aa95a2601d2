package io.trailwatch.aws;

import io.trailwatch.core.TrailwatchException;
import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/** Builds SDK v2 clients other than S3's ({@link S3Clients}): Apache HTTP client, region and endpoint from {@link AwsSettings}. */
final class AwsClients {
  private AwsClients() {}

  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, AwsSettings settings,
      AwsCredentialsProvider credentials, Retrying retrying) {
    builder.overrideConfiguration(builder.overrideConfiguration().toBuilder().retryStrategy(retrying.sdkStrategy())
        .build());
    return client(builder, settings, credentials);
  }

  /**
   * A client for the sinks (SNS, Secrets Manager): the default credentials chain, and the SDK's
   * standard retries or none (when the caller retries itself, to count its attempts). What the
   * caller set on the builder (a test's interceptor) is kept.
   *
   * @param endpoint e.g. {@code http://127.0.0.1:5000}, or null for AWS (the SDK then also honours
   *     {@code AWS_ENDPOINT_URL_<SERVICE>} and {@code AWS_ENDPOINT_URL})
   */
  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String endpoint,
      String region, boolean sdkRetries) {
    builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
        .retryStrategy(sdkRetries ? AwsRetryStrategy.forRetryMode(RetryMode.STANDARD) : AwsRetryStrategy.doNotRetry())
        .build());
    return client(builder, new AwsSettings(endpoint == null || endpoint.isBlank() ? null : endpoint.strip(),
        region == null || region.isBlank() ? AwsSettings.DEFAULT_REGION : region.strip()),
        DefaultCredentialsProvider.builder().build());
  }

  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder,
      AwsSettings settings, AwsCredentialsProvider credentials) {
    builder.region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(16)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)));
    if (settings.endpoint() != null) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    return builder.build();
  }

  /** Runs an SDK call; its failure, once the SDK's retries are spent, becomes {@code failure}'s error. */
  static <T> T call(Supplier<T> op, Function<SdkException, TrailwatchException> failure) {
    try {
      return op.get();
    } catch (SdkException e) {
      throw failure.apply(e);
    }
  }

  /** {@code ErrorCode: message (HTTP status)} of a service error, for messages. */
  static String detail(AwsServiceException s) {
    if (s.awsErrorDetails() == null) {
      return s.getMessage() + " (HTTP " + s.statusCode() + ")";
    }
    return s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage() + " (HTTP " + s.statusCode() + ")";
  }
}

package io.trailwatch.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** Builds S3 clients (SDK v2, Apache HTTP client) from {@link S3Settings} and the default credentials chain. */
public final class S3Clients {
  private S3Clients() {}

  /**
   * A client whose connection pool fits {@code maxConnections} parallel calls.
   *
   * @param sdkRetries false when the caller retries itself (the planner does, to count every request)
   */
  public static S3Client create(S3Settings settings, int maxConnections, boolean sdkRetries) {
    S3ClientBuilder b = S3Client.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(Math.max(1, maxConnections))
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> {
          if (sdkRetries) {
            o.retryStrategy(RetryMode.STANDARD);
          } else {
            o.retryStrategy(noRetries());
          }
        });
    if (settings.endpoint() != null) {
      b = b.endpointOverride(URI.create(settings.endpoint()))
          .forcePathStyle(true)
          // S3-compatible servers differ in the newer default checksums: send and check them only when required.
          .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
          .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
    } else {
      // A bucket in another region than the client's: follow S3's redirect instead of failing.
      b = b.crossRegionAccessEnabled(true);
    }
    return b.build();
  }

  private static RetryStrategy noRetries() {
    return software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry();
  }
}

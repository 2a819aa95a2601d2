package io.trailwatch.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * The settings every trailwatch SDK client shares (SNS, Secrets Manager): the region, an
 * endpoint override (a local server such as moto, or null for AWS), the default credentials
 * chain, the Apache HTTP client with timeouts, and the SDK's retries on or off.
 */
final class AwsClients {
  private AwsClients() {}

  /**
   * @param endpoint e.g. {@code http://127.0.0.1:5000}, or null for AWS (the SDK then also honours
   *     {@code AWS_ENDPOINT_URL_<SERVICE>} and {@code AWS_ENDPOINT_URL})
   * @param region e.g. {@code us-east-1}; null or blank for {@link S3Settings#DEFAULT_REGION}
   * @param sdkRetries false when the caller retries itself (to count its attempts)
   */
  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String endpoint,
      String region, boolean sdkRetries) {
    builder.region(Region.of(region == null || region.isBlank() ? S3Settings.DEFAULT_REGION : region.strip()))
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(30)))
        // Keeps what the caller set (e.g. a test's interceptor), adding the retry strategy.
        .overrideConfiguration(builder.overrideConfiguration().toBuilder()
            .retryStrategy(sdkRetries ? AwsRetryStrategy.forRetryMode(RetryMode.STANDARD)
                : AwsRetryStrategy.doNotRetry()).build());
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint.strip()));
    }
    return builder.build();
  }
}

package io.trailwatch.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/** Builds SDK v2 clients other than S3's ({@link S3Clients}): Apache HTTP client, region and endpoint from {@link AwsSettings}. */
final class AwsClients {
  private AwsClients() {}

  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, AwsSettings settings,
      AwsCredentialsProvider credentials, Retrying retrying) {
    builder.region(Region.of(settings.region()))
        .credentialsProvider(credentials)
        .httpClientBuilder(ApacheHttpClient.builder()
            .maxConnections(16)
            .connectionTimeout(Duration.ofSeconds(10))
            .socketTimeout(Duration.ofSeconds(60)))
        .overrideConfiguration(o -> o.retryStrategy(retrying.sdkStrategy()));
    if (settings.endpoint() != null) {
      builder.endpointOverride(URI.create(settings.endpoint()));
    }
    return builder.build();
  }
}

package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import java.io.Serializable;
import java.util.Map;
import java.util.function.Function;

/**
 * Where S3 is: an endpoint override (an S3-compatible server, or null for AWS itself) and the
 * region. Credentials are never held here: every client takes them from the default provider
 * chain. Serializable, so that executors build the same clients as the driver.
 *
 * @param endpoint e.g. {@code http://127.0.0.1:5000}, or null for the AWS endpoint of the region
 * @param region the signing region, e.g. {@code us-east-1}
 */
public record S3Settings(String endpoint, String region) implements Serializable {
  public static final String DEFAULT_REGION = AwsSettings.DEFAULT_REGION;

  public S3Settings {
    endpoint = AwsSettings.checkEndpoint(ErrorCode.BAD_S3_ENDPOINT, endpoint);
    region = region == null || region.isBlank() ? DEFAULT_REGION : region.strip();
  }

  /** AWS itself, in the default region. */
  public static S3Settings aws() {
    return new S3Settings(null, null);
  }

  /**
   * The SDK convention: endpoint from {@code AWS_ENDPOINT_URL_S3}, else {@code AWS_ENDPOINT_URL}
   * (the system properties {@code aws.endpointUrlS3} / {@code aws.endpointUrl} win, as in the
   * SDK); region from {@code aws.region}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the profile
   * file, else us-east-1. (The instance metadata service is not asked: a region mismatch is
   * handled by cross-region access, and a laptop would wait for the lookup to time out.)
   */
  public static S3Settings fromEnvironment() {
    return new S3Settings(AwsSettings.endpoint(AwsSettings.Service.S3, System::getProperty, System.getenv()),
        AwsSettings.regionOrProfile(System::getProperty, System.getenv()));
  }

  static S3Settings from(Function<String, String> properties, Map<String, String> env) {
    return new S3Settings(AwsSettings.endpoint(AwsSettings.Service.S3, properties, env),
        AwsSettings.region(properties, env));
  }

  /** An S3-compatible server needs path-style addressing ({@code host/bucket/key}): no per-bucket DNS names. */
  public boolean pathStyle() {
    return endpoint != null;
  }

  public S3Settings withEndpoint(String newEndpoint) {
    return new S3Settings(newEndpoint, region);
  }
}

package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
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
  public static final String DEFAULT_REGION = "us-east-1";

  public S3Settings {
    if (endpoint != null && endpoint.isBlank()) {
      endpoint = null;
    }
    if (endpoint != null) {
      endpoint = endpoint.strip();
      checkEndpoint(endpoint);
    }
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
    S3Settings s = from(System::getProperty, System.getenv());
    if (s.region().equals(DEFAULT_REGION) && first(System.getProperty("aws.region"), System.getenv("AWS_REGION"),
        System.getenv("AWS_DEFAULT_REGION")) == null) {
      return new S3Settings(s.endpoint(), profileRegion());
    }
    return s;
  }

  private static String profileRegion() {
    try {
      return new software.amazon.awssdk.regions.providers.AwsProfileRegionProvider().getRegion().id();
    } catch (RuntimeException e) {
      return DEFAULT_REGION;
    }
  }

  static S3Settings from(Function<String, String> properties, Map<String, String> env) {
    String endpoint = first(properties.apply("aws.endpointUrlS3"), properties.apply("aws.endpointUrl"),
        env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
    String region = first(properties.apply("aws.region"), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
    return new S3Settings(endpoint, region);
  }

  /** An S3-compatible server needs path-style addressing ({@code host/bucket/key}): no per-bucket DNS names. */
  public boolean pathStyle() {
    return endpoint != null;
  }

  public S3Settings withEndpoint(String newEndpoint) {
    return new S3Settings(newEndpoint, region);
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  private static void checkEndpoint(String endpoint) {
    try {
      URI u = new URI(endpoint);
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw TrailwatchException.of(ErrorCode.BAD_S3_ENDPOINT,
            "Cannot use S3 endpoint '%s': expected http(s)://host[:port]", endpoint);
      }
    } catch (URISyntaxException e) {
      throw TrailwatchException.of(ErrorCode.BAD_S3_ENDPOINT, "Cannot use S3 endpoint '%s': %s", endpoint, e.getReason());
    }
  }
}

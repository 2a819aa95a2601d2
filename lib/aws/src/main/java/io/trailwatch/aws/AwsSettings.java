package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.function.Function;

/**
 * Where one AWS service is: an endpoint override (a local server such as moto, or null for AWS
 * itself) and the region, read the SDK's way ({@link #fromEnvironment}). Credentials are never
 * held here: clients take them from the default provider chain. {@link S3Settings} is the same
 * for S3, which also needs path-style addressing.
 *
 * @param endpoint e.g. {@code http://127.0.0.1:5000}, or null for the AWS endpoint of the region
 * @param region the signing region, e.g. {@code us-east-1}
 */
public record AwsSettings(String endpoint, String region) implements Serializable {
  public static final String DEFAULT_REGION = "us-east-1";

  /** A service as the SDK names it in its endpoint variables and properties. */
  public enum Service {
    S3("S3", "S3"),
    DYNAMODB("DYNAMODB", "DynamoDb"),
    ORGANIZATIONS("ORGANIZATIONS", "Organizations"),
    STS("STS", "Sts");

    private final String envSuffix;
    private final String propertySuffix;

    Service(String envSuffix, String propertySuffix) {
      this.envSuffix = envSuffix;
      this.propertySuffix = propertySuffix;
    }
  }

  public AwsSettings {
    endpoint = checkEndpoint(ErrorCode.BAD_AWS_ENDPOINT, endpoint);
    region = region == null || region.isBlank() ? DEFAULT_REGION : region.strip();
  }

  /**
   * The SDK convention: endpoint from {@code AWS_ENDPOINT_URL_<SERVICE>}, else {@code AWS_ENDPOINT_URL}
   * (the system properties {@code aws.endpointUrl<Service>} / {@code aws.endpointUrl} win, as in the
   * SDK); region from {@code aws.region}, {@code AWS_REGION}, {@code AWS_DEFAULT_REGION}, the profile
   * file, else us-east-1. (The instance metadata service is not asked: a laptop would wait for the
   * lookup to time out.)
   */
  public static AwsSettings fromEnvironment(Service service) {
    return new AwsSettings(endpoint(service, System::getProperty, System.getenv()),
        regionOrProfile(System::getProperty, System.getenv()));
  }

  static AwsSettings from(Service service, Function<String, String> properties, Map<String, String> env) {
    return new AwsSettings(endpoint(service, properties, env), region(properties, env));
  }

  static String endpoint(Service service, Function<String, String> properties, Map<String, String> env) {
    return first(properties.apply("aws.endpointUrl" + service.propertySuffix), properties.apply("aws.endpointUrl"),
        env.get("AWS_ENDPOINT_URL_" + service.envSuffix), env.get("AWS_ENDPOINT_URL"));
  }

  static String region(Function<String, String> properties, Map<String, String> env) {
    return first(properties.apply("aws.region"), env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
  }

  /** {@link #region}, else the profile file's, else the default. */
  static String regionOrProfile(Function<String, String> properties, Map<String, String> env) {
    String r = region(properties, env);
    if (r != null) {
      return r;
    }
    try {
      return new software.amazon.awssdk.regions.providers.AwsProfileRegionProvider().getRegion().id();
    } catch (RuntimeException e) {
      return DEFAULT_REGION;
    }
  }

  /** The endpoint stripped, null when blank; a user error with {@code code} when it is not http(s)://host[:port]. */
  static String checkEndpoint(ErrorCode code, String endpoint) {
    if (endpoint == null || endpoint.isBlank()) {
      return null;
    }
    String e = endpoint.strip();
    try {
      URI u = new URI(e);
      if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null) {
        throw TrailwatchException.of(code, "Cannot use endpoint '%s': expected http(s)://host[:port]", e);
      }
    } catch (URISyntaxException x) {
      throw TrailwatchException.of(code, "Cannot use endpoint '%s': %s", e, x.getReason());
    }
    return e;
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}

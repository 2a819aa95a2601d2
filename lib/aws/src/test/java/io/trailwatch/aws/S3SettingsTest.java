package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.TrailwatchException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** Endpoint and region resolution (the SDK convention), locations and the s3a settings: no server needed. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class S3SettingsTest {
  @Test
  void serviceSpecificEndpointWinsOverTheGeneralOne() {
    S3Settings s = S3Settings.from(k -> null, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1111",
        "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2222", "AWS_REGION", "eu-west-1"));
    assertEquals("http://127.0.0.1:2222", s.endpoint());
    assertEquals("eu-west-1", s.region());
    assertTrue(s.pathStyle());
    assertEquals("http://127.0.0.1:1111",
        S3Settings.from(k -> null, Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1111")).endpoint());
  }

  @Test
  void systemPropertiesWinOverTheEnvironment() {
    Map<String, String> props = Map.of("aws.endpointUrlS3", "http://127.0.0.1:3333", "aws.region", "ap-south-1");
    S3Settings s = S3Settings.from(props::get, Map.of("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:2222",
        "AWS_REGION", "eu-west-1"));
    assertEquals("http://127.0.0.1:3333", s.endpoint());
    assertEquals("ap-south-1", s.region());
  }

  @Test
  void awsItselfByDefault() {
    S3Settings s = S3Settings.from(k -> null, Map.of());
    assertNull(s.endpoint());
    assertEquals("us-east-1", s.region());
    assertFalse(s.pathStyle());
    assertFalse(S3a.hadoopConf(s).containsKey("fs.s3a.endpoint"));
    assertEquals("software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
        S3a.hadoopConf(s).get("fs.s3a.aws.credentials.provider"));
  }

  @Test
  void s3aSettingsNameOnlySdkV2Classes() throws Exception {
    // Hadoop 3.4's s3a loads SDK v2 providers; it maps only a few v1 names, not v1's default chain.
    for (String v : S3a.hadoopConf(new S3Settings("http://127.0.0.1:5000", "eu-west-1")).values()) {
      assertFalse(v.contains("com.amazonaws"), v);
    }
    Class<?> provider = Class.forName(S3a.hadoopConf(S3Settings.from(k -> null, Map.of()))
        .get("fs.s3a.aws.credentials.provider"));
    assertTrue(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider.class.isAssignableFrom(provider));
  }

  @Test
  void badEndpointIsAUserError() {
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> S3Settings.from(k -> null, Map.of("AWS_ENDPOINT_URL", "localhost:9000")));
    assertEquals(ErrorCode.BAD_S3_ENDPOINT, e.code());
  }

  @Test
  void s3aSettingsFollowTheEndpoint() {
    Map<String, String> m = S3a.hadoopConf(new S3Settings("http://127.0.0.1:5000", "eu-west-1"));
    assertEquals("http://127.0.0.1:5000", m.get("fs.s3a.endpoint"));
    assertEquals("true", m.get("fs.s3a.path.style.access"));
    assertEquals("false", m.get("fs.s3a.connection.ssl.enabled"));
    assertEquals("eu-west-1", m.get("fs.s3a.endpoint.region"));
  }

  @Test
  void locationsParse() {
    assertEquals(new S3Location("trail-bucket", ""), S3Location.parse("--logs", "s3://trail-bucket"));
    assertEquals(new S3Location("trail-bucket", ""), S3Location.parse("--logs", "s3://trail-bucket/"));
    assertEquals(new S3Location("trail-bucket", "a/b/"), S3Location.parse("--logs", "s3://trail-bucket/a/b"));
    assertEquals("s3a://trail-bucket/a/b", S3Location.parse("--state", "s3://trail-bucket/a/b/").s3a());
    assertEquals("s3a://trail-bucket", S3Location.parse("--state", "s3a://trail-bucket").s3a());
    assertEquals(ErrorCode.BAD_S3_URI, assertThrows(TrailwatchException.class,
        () -> S3Location.parse("--logs", "s3://Bad_Bucket/x")).code());
  }
}

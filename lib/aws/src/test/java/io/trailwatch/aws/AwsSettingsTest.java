package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.core.TrailwatchException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Endpoints of Organizations, STS and DynamoDB, read the SDK's way: no server needed. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class AwsSettingsTest {
  static final Map<String, String> ENV = Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1111",
      "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:2222", "AWS_DEFAULT_REGION", "eu-west-1");

  @Test
  void eachServiceHasItsOwnEndpointVariableOverTheGeneralOne() {
    assertEquals(new AwsSettings("http://127.0.0.1:2222", "eu-west-1"),
        AwsSettings.from(AwsSettings.Service.DYNAMODB, k -> null, ENV));
    assertEquals(new AwsSettings("http://127.0.0.1:1111", "eu-west-1"),
        AwsSettings.from(AwsSettings.Service.ORGANIZATIONS, k -> null, ENV));
    Map<String, String> props = Map.of("aws.endpointUrlOrganizations", "http://127.0.0.1:3333", "aws.region", "ap-south-1");
    assertEquals(new AwsSettings("http://127.0.0.1:3333", "ap-south-1"),
        AwsSettings.from(AwsSettings.Service.ORGANIZATIONS, props::get, ENV), "system properties win");
    assertEquals(new AwsSettings("http://127.0.0.1:1111", "ap-south-1"),
        AwsSettings.from(AwsSettings.Service.STS, props::get, ENV));
  }

  @Test
  void awsItselfByDefaultAndBadEndpointsAreUserErrors() {
    AwsSettings s = AwsSettings.from(AwsSettings.Service.DYNAMODB, k -> null, Map.of());
    assertNull(s.endpoint());
    assertEquals("us-east-1", s.region());
    assertEquals(ErrorCode.BAD_AWS_ENDPOINT, assertThrows(TrailwatchException.class,
        () -> AwsSettings.from(AwsSettings.Service.STS, k -> null, Map.of("AWS_ENDPOINT_URL_STS", "localhost:9"))).code());
  }
}

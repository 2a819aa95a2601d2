package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.delivery.Secret;
import io.trailwatch.delivery.SecretSource;
import java.io.IOException;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A secret (the HEC token) in AWS Secrets Manager, read once with {@code GetSecretValue}. The
 * secret string is the token itself, or a JSON object whose {@code token} field holds it.
 * Failures are EXTERNAL errors naming the secret id and AWS's error code, never the value.
 */
public final class SecretsManagerSecrets implements SecretSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Supplier<SecretsManagerClient> clients;
  private final boolean ownsClients;
  private final String secretId;

  /** Reads {@code secretId} (a name or an ARN) with {@code client}, which the caller closes. */
  public SecretsManagerSecrets(SecretsManagerClient client, String secretId) {
    this(() -> client, false, secretId);
  }

  private SecretsManagerSecrets(Supplier<SecretsManagerClient> clients, boolean ownsClients, String secretId) {
    this.clients = clients;
    this.ownsClients = ownsClients;
    this.secretId = secretId;
  }

  /**
   * Reads {@code secretId} with a client of its own for each read, closed after it.
   *
   * @param endpoint a local endpoint (tests), or null for AWS
   */
  public static SecretsManagerSecrets create(String secretId, String endpoint, String region) {
    return new SecretsManagerSecrets(() -> AwsClients.build(SecretsManagerClient.builder(), endpoint, region, true),
        true, secretId);
  }

  @Override
  public Secret read() {
    String value;
    SecretsManagerClient client = clients.get();
    try {
      value = client.getSecretValue(b -> b.secretId(secretId)).secretString();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "error" : e.awsErrorDetails().errorCode();
      throw TrailwatchException.wrap(ErrorCode.SECRET_MANAGER_FAILED, e, "Cannot read %s: %s (HTTP %d)", describe(),
          code, e.statusCode());
    } catch (SdkClientException e) {
      throw TrailwatchException.wrap(ErrorCode.SECRET_MANAGER_FAILED, e, "Cannot read %s: %s", describe(),
          e.getMessage());
    } finally {
      if (ownsClients) {
        client.close();
      }
    }
    if (value == null || value.isBlank()) {
      throw TrailwatchException.of(ErrorCode.SECRET_NOT_FOUND, "Cannot read %s: it has no secret string", describe());
    }
    String v = value.strip();
    if (v.startsWith("{")) {
      try {
        JsonNode token = JSON.readTree(v).path("token");
        if (!token.isTextual() || token.asText().isBlank()) {
          throw TrailwatchException.of(ErrorCode.SECRET_NOT_FOUND, "Cannot read %s: it is a JSON object without a "
              + "\"token\" string field", describe());
        }
        return Secret.of(token.asText());
      } catch (IOException notJson) {
        // a token that happens to start with '{': take it as it is
      }
    }
    return Secret.of(v);
  }

  @Override
  public String describe() {
    return "Secrets Manager secret " + secretId;
  }

  @Override
  public String toString() {
    return describe();
  }
}

package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.TrailwatchException;
import io.trailwatch.delivery.Secret;
import io.trailwatch.testing.MotoServer;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** The HEC token from Secrets Manager, on moto_server. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecretsManagerSecretsTest {
  @RegisterExtension
  static final MotoServer MOTO = new MotoServer();
  static final String TOKEN = "7a1c3e5f-2b4d-4f60-8a9b-sm-token-value";

  String secret(String value) {
    String name = "trailwatch/hec-" + UUID.randomUUID().toString().substring(0, 8);
    try (SecretsManagerClient sm = AwsClients.build(SecretsManagerClient.builder(), MOTO.endpoint(), "us-east-1",
        true)) {
      sm.createSecret(b -> b.name(name).secretString(value));
    }
    return name;
  }

  @Test
  void theTokenIsTheSecretStringOrItsTokenField() {
    assertEquals(Secret.of(TOKEN), SecretsManagerSecrets.create(secret(TOKEN + "\n"), MOTO.endpoint(), null).read());
    assertEquals(Secret.of(TOKEN), SecretsManagerSecrets.create(secret("{\"token\":\"" + TOKEN + "\"}"),
        MOTO.endpoint(), "us-east-1").read());
    SecretsManagerSecrets twice = SecretsManagerSecrets.create(secret(TOKEN), MOTO.endpoint(), "us-east-1");
    assertEquals(twice.read(), twice.read(), "each read has a client of its own");
  }

  @Test
  void aMissingSecretIsAnExternalErrorNamingItsId() {
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> SecretsManagerSecrets.create("trailwatch/none", MOTO.endpoint(), "us-east-1").read());
    assertEquals(ErrorCode.SECRET_MANAGER_FAILED, e.code());
    assertEquals(TrailwatchException.Kind.EXTERNAL, e.kind());
    assertTrue(e.getMessage().startsWith("Cannot read Secrets Manager secret trailwatch/none: "
        + "ResourceNotFoundException (HTTP "), e.getMessage());
  }

  @Test
  void aJsonSecretWithoutATokenFieldSaysSoWithoutTheValue() {
    String id = secret("{\"password\":\"" + TOKEN + "\"}");
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> SecretsManagerSecrets.create(id, MOTO.endpoint(), "us-east-1").read());
    assertEquals(ErrorCode.SECRET_NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains(id), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
  }
}

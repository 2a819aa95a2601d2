package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.TrailwatchException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Token sources, and the settings that hold the token without ever printing it. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SecretsTest {
  static final String TOKEN = "0f8e4a2c-7d41-4b3e-9c55-token-value";

  @Test
  void tokenComesFromTheEnvironmentOrAFile(@TempDir Path dir) throws Exception {
    assertEquals(Secret.of(TOKEN), SecretSource.env("TRAILWATCH_HEC_TOKEN", Map.of("TRAILWATCH_HEC_TOKEN", TOKEN))
        .read());
    Path f = dir.resolve("hec-token");
    Files.writeString(f, TOKEN + "\n");
    assertEquals(TOKEN, SecretSource.file(f).read().reveal(), "the file's newline is not part of the token");
  }

  @Test
  void missingTokenIsAUserErrorNamingTheSource(@TempDir Path dir) throws Exception {
    TrailwatchException unset = assertThrows(TrailwatchException.class,
        () -> SecretSource.env("TRAILWATCH_HEC_TOKEN", Map.of()).read());
    assertEquals(ErrorCode.SECRET_NOT_FOUND, unset.code());
    assertEquals(TrailwatchException.Kind.USER, unset.kind());
    assertTrue(unset.getMessage().contains("TRAILWATCH_HEC_TOKEN"), unset.getMessage());
    assertEquals(ErrorCode.SECRET_NOT_FOUND, assertThrows(TrailwatchException.class,
        () -> SecretSource.file(dir.resolve("none")).read()).code());
    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    assertEquals(ErrorCode.SECRET_NOT_FOUND, assertThrows(TrailwatchException.class,
        () -> SecretSource.file(empty).read()).code());
  }

  @Test
  void aTokenFileThatCannotBeReadIsAUserError(@TempDir Path dir) throws Exception {
    Path folder = Files.createDirectories(dir.resolve("hec-token"));
    assertEquals(ErrorCode.SECRET_NOT_READABLE, assertThrows(TrailwatchException.class,
        () -> SecretSource.file(folder).read()).code());
  }

  @Test
  void noStringFormOfTheSettingsShowsTheToken() {
    Map<String, String> env = Map.of("TRAILWATCH_HEC_TOKEN", TOKEN);
    HecSettings s = HecSettings.builder(URI.create("https://splunk.example:8088"),
        SecretSource.env("TRAILWATCH_HEC_TOKEN", env).read()).build();
    for (String text : new String[] {s.toString(), s.token().toString(), SecretSource.env("TRAILWATCH_HEC_TOKEN", env)
        .toString(), new HecSink(s).toString()}) {
      assertFalse(text.contains(TOKEN), text);
    }
    assertTrue(s.toString().contains("token=***"), s.toString());
  }

  @Test
  void settingsHaveDefaultsAndChecksNamingTheKey() {
    HecSettings s = HecSettings.builder(URI.create("https://splunk.example:8088"), Secret.of(TOKEN)).build();
    assertEquals(new HecSettings(URI.create("https://splunk.example:8088"), Secret.of(TOKEN), null,
        "trailwatch:alert", "trailwatch", null, 1_000_000, false, false, Duration.ofSeconds(60),
        Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30), null, 8, Duration.ofMillis(250),
        Duration.ofSeconds(20)), s);
    assertEquals(URI.create("https://splunk.example:8088/services/collector/event"),
        s.endpoint("/services/collector/event"));
    assertBad("hec.max-batch-bytes", () -> s.toBuilder().maxBatchBytes(100).build());
    assertBad("hec.max-attempts", () -> s.toBuilder().maxAttempts(0).build());
    assertBad("hec.read-timeout", () -> s.toBuilder().readTimeout(Duration.ZERO).build());
    assertBad("hec.backoff-cap", () -> s.toBuilder().backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
    assertBad("hec.url", () -> HecSettings.builder(URI.create("splunk.example:8088"), Secret.of(TOKEN)).build());
    TrailwatchException inUrl = assertBad("hec.url",
        () -> HecSettings.builder(URI.create("https://x:" + TOKEN + "@splunk.example:8088"), Secret.of(TOKEN)).build());
    assertFalse(inUrl.getMessage().contains(TOKEN), inUrl.getMessage());
  }

  @Test
  void caBundleMustHoldCertificates(@TempDir Path dir) throws Exception {
    Path junk = Files.writeString(dir.resolve("ca.pem"), "not a certificate");
    HecSettings s = HecSettings.builder(URI.create("https://splunk.example:8088"), Secret.of(TOKEN))
        .caBundle(junk).build();
    assertEquals(ErrorCode.BAD_HEC_CA_BUNDLE, assertThrows(TrailwatchException.class, () -> new HecSink(s)).code());
    HecSettings missing = s.toBuilder().caBundle(dir.resolve("none.pem")).build();
    assertEquals(ErrorCode.BAD_HEC_CA_BUNDLE, assertThrows(TrailwatchException.class, () -> new HecSink(missing)).code());
  }

  private static TrailwatchException assertBad(String key, org.junit.jupiter.api.function.Executable build) {
    TrailwatchException e = assertThrows(TrailwatchException.class, build);
    assertEquals(ErrorCode.BAD_HEC_SETTING, e.code());
    assertTrue(e.getMessage().contains(key), e.getMessage());
    return e;
  }
}

package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.TrailwatchException;
import io.trailwatch.config.GunzipMode;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Severity;
import java.nio.file.Files;
import java.nio.file.Path;
import io.trailwatch.dimensions.Dimension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ConfigLoaderTest {
  static TrailwatchException error(String yaml) {
    return assertThrows(TrailwatchException.class, () -> ConfigLoader.parse(yaml, "test.yaml"));
  }

  @Test
  void defaultsAreStable() {
    TrailwatchConfig c = TrailwatchConfig.defaults();
    assertEquals(30, c.ingest().deliveryLagMinutes());
    assertEquals(6, c.ingest().lateFileHours());
    assertEquals(512, c.ingest().maxStringLength());
    assertEquals(GunzipMode.AUTO, c.ingest().gunzip());
    assertEquals(1000, c.ingest().tieredJitAboveMb());
    assertEquals(List.of("AWSReservedSSO_*"), c.identity().humanRolePatterns());
    assertEquals(90, c.baseline().retentionDays());
    assertEquals(7, c.baseline().warmupDays());
    assertEquals(30, c.baseline().buildChunkDays());
    assertEquals(14, c.policy().learningDays());
    assertEquals(AlertOn.ANY_ACTIVITY, c.policy().forType("Root").alertOn());
    assertEquals(false, c.policy().forType("Root").learning());
    assertEquals(AlertOn.NEVER, c.policy().forType("AWSService").alertOn());
    assertEquals(AlertOn.NEW_BEHAVIOR, c.policy().forType("IAMUser").alertOn());
    assertEquals(AlertOn.NEVER, c.policy().serviceLinkedRoles());
    assertEquals(5, c.policy().manyNewBehaviors());
    assertEquals(10, c.alerts().maxContextValues());
    assertEquals(BusinessUnitSource.TOP_LEVEL_OU, c.accounts().businessUnitFrom());
    assertEquals(Map.of(), c.accounts().ouMap());
    assertEquals("business-unit", c.accounts().tagKey());
    assertEquals(null, c.accounts().roleArn());
    assertEquals(null, c.dynamodb().table());
    assertEquals(new MaintenanceConfig(7, 168, true, 30, 50, 64), c.maintenance());
    assertEquals(300, c.lease().expirySeconds());
    assertEquals(7, c.coverage().lookbackDays());
    assertEquals(true, c.coverage().ledger());
    assertEquals(new SilentTrailsConfig(true, 0.9, 1, 72, 24, Severity.MEDIUM, Severity.HIGH, List.of(), List.of()),
        c.coverage().silentTrails());
    assertEquals(c, ConfigLoader.parse("", "empty"));
    assertEquals(c, ConfigLoader.load(null));
  }

  @Test
  void theShippedExampleIsTheDefaults() throws Exception {
    Path example = Path.of(System.getProperty("trailwatch.project.root", "../..")).resolve("trailwatch.example.yaml");
    assertEquals(TrailwatchConfig.defaults(), ConfigLoader.load(example));
  }

  @Test
  void everyKeyMapsToAField() {
    TrailwatchConfig c = ConfigLoader.parse(String.join("\n",
        "ingest: {delivery-lag-minutes: 45, late-file-hours: 2, max-string-length: 100, max-quarantined-records-per-file: 7,",
        "  gunzip: zlib, tiered-jit-above-mb: 300}",
        "identity: {human-role-patterns: ['Admin*']}",
        "baseline: {retention-days: 30, warmup-days: 0, dimensions: [api, region, client],",
        "  network: {ipv4-prefix: 22, ipv6-prefix: 56}, build-chunk-days: 3}",
        "policy:",
        "  learning-days: 3",
        "  identity-types: {IAMUser: {alert-on: any-activity, severity: low, learning: false},",
        "    AssumedRole: {dimensions: [api, region]}}",
        "  dimensions: {network: {severity: high}}",
        "  prevalence: {raise-when-new-to-business-unit: false, routine-share: 0.8, min-peers: 5}",
        "  service-linked-roles: new-behavior",
        "  many-new-behaviors: 2",
        "  sensitive-actions: {'s3.amazonaws.com:GetObject': critical}",
        "  allow: [{account: '111122223333', principal: 'arn:*:role/scanner', reason: 'scanner'},",
        "    {dimension: network, value: '198.51.100.0/22', reason: egress}]",
        "alerts: {max-context-values: 3, sample-event-ids: 2}",
        "accounts: {business-unit-from: ou-map, ou-map: {payments: [/Workloads/Payments, ou-ab12-cdef3456]},",
        "  tag-key: bu, role-arn: 'arn:aws:iam::123456789012:role/org-reader'}",
        "dynamodb: {table: trailwatch-baseline}",
        "maintenance: {grace-days: 2, vacuum-retain-hours: 12, retention-check: false, log-retention-days: 9,",
        "  checkpoint-interval: 20, baseline-file-mb: 8}",
        "lease: {expiry-seconds: 30}",
        "coverage: {lookback-days: 2, ledger: true, silent-trails: {enabled: true, min-rate: 0.5, hours-in-a-row: 3,",
        "  min-history-hours: 24, tamper-lookback-hours: 6, region-severity: low, account-severity: critical,",
        "  quiet-accounts: ['111122223333'], quiet-regions: [ap-east-1]}}",
        "verdicts: {watch-days: 3}"), "t");
    assertEquals(3, c.verdicts().watchDays());
    assertEquals(new SilentTrailsConfig(true, 0.5, 3, 24, 6, Severity.LOW, Severity.CRITICAL, List.of("111122223333"),
        List.of("ap-east-1")), c.coverage().silentTrails());
    assertEquals(30, c.lease().expirySeconds());
    assertEquals(2, c.coverage().lookbackDays());
    assertEquals(45, c.ingest().deliveryLagMinutes());
    assertEquals(2, c.ingest().lateFileHours());
    assertEquals(100, c.ingest().maxStringLength());
    assertEquals(7, c.ingest().maxQuarantinedRecordsPerFile());
    assertEquals(GunzipMode.ZLIB, c.ingest().gunzip());
    assertEquals(300, c.ingest().tieredJitAboveMb());
    assertEquals(List.of("Admin*"), c.identity().humanRolePatterns());
    assertEquals(30, c.baseline().retentionDays());
    assertEquals(0, c.baseline().warmupDays());
    assertEquals(java.util.EnumSet.of(Dimension.API, Dimension.REGION, Dimension.CLIENT),
        c.baseline().enabledDimensions());
    assertEquals(22, c.baseline().network().ipv4Prefix());
    assertEquals(56, c.baseline().network().ipv6Prefix());
    assertEquals(3, c.baseline().buildChunkDays());
    assertEquals(List.of(Dimension.API, Dimension.REGION), c.policy().forType("AssumedRole").dimensions());
    assertEquals(Severity.HIGH, c.policy().dimensionSeverity(Dimension.NETWORK));
    assertEquals(Severity.MEDIUM, c.policy().dimensionSeverity(Dimension.REGION), "unlisted keep their default");
    assertEquals(new PolicyConfig.PrevalenceConfig(false, 0.8, 5), c.policy().prevalence());
    assertTrue(c.policy().allow().get(1).matches("1", "p", Dimension.NETWORK, "@network", "198.51.101.0/24"));
    assertEquals(3, c.policy().learningDays());
    assertEquals(new TypePolicy(AlertOn.ANY_ACTIVITY, Severity.LOW, false), c.policy().forType("IAMUser"));
    assertTrue(c.policy().forType("IAMUser").alertsOn(Dimension.CLIENT), "no list: every dimension");
    assertEquals(AlertOn.ANY_ACTIVITY, c.policy().forType("Root").alertOn(), "unlisted types keep their defaults");
    assertEquals(AlertOn.NEW_BEHAVIOR, c.policy().serviceLinkedRoles());
    assertEquals(2, c.policy().manyNewBehaviors());
    assertEquals(Severity.CRITICAL, c.policy().sensitiveActions().get("s3.amazonaws.com:GetObject"));
    assertTrue(c.policy().allow().get(0).matches("111122223333", "arn:aws:iam::1:role/scanner", "s3", "x"));
    assertEquals(3, c.alerts().maxContextValues());
    assertEquals(2, c.alerts().sampleEventIds());
    assertEquals(BusinessUnitSource.OU_MAP, c.accounts().businessUnitFrom());
    assertEquals(Map.of("payments", List.of("/Workloads/Payments", "ou-ab12-cdef3456")), c.accounts().ouMap());
    assertEquals("bu", c.accounts().tagKey());
    assertEquals("arn:aws:iam::123456789012:role/org-reader", c.accounts().roleArn());
    assertEquals("trailwatch-baseline", c.dynamodb().table());
    assertEquals(2, c.maintenance().graceDays());
    assertEquals(12, c.maintenance().vacuumRetainHours());
    assertEquals(false, c.maintenance().retentionCheck());
    assertEquals(9, c.maintenance().logRetentionDays());
    assertEquals(20, c.maintenance().checkpointInterval());
    assertEquals(8, c.maintenance().baselineFileMb());
    assertEquals(BusinessUnitSource.TAG, ConfigLoader.parse("accounts: {business-unit-from: tag}", "t").accounts()
        .businessUnitFrom());
  }

  @Test
  void badAccountsAndDynamoDbValuesNameTheKey() {
    assertBad("accounts: {business-unit-from: ou}", "accounts.business-unit-from");
    assertBad("accounts: {business-unit-from: ou-map}", "accounts.ou-map");
    assertBad("accounts: {ou-map: {payments: [/Payments]}}", "accounts.ou-map");
    assertBad("accounts: {business-unit-from: ou-map, ou-map: {'Shared Services': [/Shared]}}",
        "accounts.ou-map.Shared Services");
    assertBad("accounts: {business-unit-from: ou-map, ou-map: {payments: []}}", "accounts.ou-map.payments");
    assertBad("accounts: {business-unit-from: ou-map, ou-map: {payments: [Workloads/Payments]}}",
        "accounts.ou-map.payments[0]");
    assertBad("accounts: {business-unit-from: ou-map, ou-map: {payments: [/A], cards: [/B, /A]}}",
        "accounts.ou-map.cards[1]");
    assertBad("accounts: {tag-key: ''}", "accounts.tag-key");
    assertBad("accounts: {role-arn: 'arn:aws:iam::123:role/x'}", "accounts.role-arn");
    assertBad("accounts: {role-arn: [a]}", "accounts.role-arn");
    assertBad("dynamodb: {table: 'a b'}", "dynamodb.table");
    assertEquals(ErrorCode.UNKNOWN_CONFIG_KEY, error("dynamodb: {tabel: x}").code());
  }

  @Test
  void badDimensionSettingsNameTheKey() {
    TrailwatchException e = error("baseline: {dimensions: [api, reigon]}");
    assertEquals(ErrorCode.BAD_CONFIG_VALUE, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains("baseline.dimensions"), e.getMessage());
    assertBad("baseline: {network: {ipv4-prefix: 40}}", "baseline.network.ipv4-prefix");
    assertBad("policy: {dimensions: {api: {severity: high}}}", "policy.dimensions.api");
    assertBad("policy: {prevalence: {routine-share: 0}}", "policy.prevalence.routine-share");
    assertBad("policy: {allow: [{value: '10.0.0.0/8'}]}", "policy.allow[0].value");
    assertBad("policy: {allow: [{dimension: network, value: '10.0.0/8'}]}", "policy.allow[0].value");
  }

  static void assertBad(String yaml, String key) {
    TrailwatchException e = error(yaml);
    assertEquals(ErrorCode.BAD_CONFIG_VALUE, e.code(), e.getMessage());
    assertTrue(e.getMessage().contains(key), e.getMessage());
  }

  @Test
  void unknownKeysAreRejectedByName() {
    TrailwatchException e = error("policy:\n  learnin-days: 3\n");
    assertEquals(ErrorCode.UNKNOWN_CONFIG_KEY, e.code());
    assertEquals(TrailwatchException.Kind.USER, e.kind());
    assertTrue(e.getMessage().contains("policy.learnin-days"), e.getMessage());
    assertEquals(ErrorCode.UNKNOWN_CONFIG_KEY, error("nonsense: 1\n").code());
  }

  @Test
  void badValuesNameTheKey() {
    TrailwatchException e = error("policy:\n  learning-days: -3\n");
    assertEquals(ErrorCode.BAD_CONFIG_VALUE, e.code());
    assertTrue(e.getMessage().contains("policy.learning-days") && e.getMessage().contains("-3"), e.getMessage());
    assertTrue(error("policy:\n  identity-types: {Robot: {alert-on: never}}\n").getMessage()
        .contains("policy.identity-types.Robot"));
    assertTrue(error("policy:\n  service-linked-roles: sometimes\n").getMessage().contains("policy.service-linked-roles"));
    assertTrue(error("baseline:\n  retention-days: lots\n").getMessage().contains("baseline.retention-days"));
    assertTrue(error("baseline:\n  build-chunk-days: 0\n").getMessage().contains("baseline.build-chunk-days"));
    assertTrue(error("ingest:\n  gunzip: fast\n").getMessage().contains("ingest.gunzip"));
    assertBad("ingest: {tiered-jit-above-mb: -1}", "ingest.tiered-jit-above-mb");
    assertTrue(error("policy:\n  allow: [{reason: everything}]\n").getMessage().contains("policy.allow[0]"));
    assertEquals(ErrorCode.BAD_CONFIG_SYNTAX, error("policy:\n  a: b\n   - c: [\n").code());
    assertTrue(error("maintenance:\n  grace-days: -1\n").getMessage().contains("maintenance.grace-days"));
    assertTrue(error("lease:\n  expiry-seconds: 1\n").getMessage().contains("lease.expiry-seconds"));
    assertTrue(error("coverage:\n  lookback-days: 0\n").getMessage().contains("coverage.lookback-days"));
    assertBad("coverage: {silent-trails: {min-rate: 1.5}}", "coverage.silent-trails.min-rate");
    assertBad("coverage: {silent-trails: {hours-in-a-row: 0}}", "coverage.silent-trails.hours-in-a-row");
    assertBad("coverage: {silent-trails: {quiet-accounts: [sandbox]}}", "coverage.silent-trails.quiet-accounts");
    assertBad("coverage: {ledger: false}", "coverage.ledger");
    assertEquals(false, ConfigLoader.parse("coverage: {ledger: false, silent-trails: {enabled: false}}", "t")
        .coverage().ledger());
    assertEquals(ErrorCode.UNKNOWN_CONFIG_KEY, error("coverage:\n  silent-trails: {min-rates: 1}\n").code());
    assertTrue(error("maintenance:\n  checkpoint-interval: 0\n").getMessage().contains("maintenance.checkpoint-interval"));
    assertEquals(ErrorCode.UNKNOWN_CONFIG_KEY, error("maintenance:\n  vacuum-hours: 1\n").code());
  }

  @Test
  void aShortVacuumRetentionNeedsTheCheckTurnedOff() {
    TrailwatchException e = error("maintenance:\n  vacuum-retain-hours: 24\n");
    assertEquals(ErrorCode.BAD_CONFIG_VALUE, e.code());
    assertTrue(e.getMessage().contains("maintenance.vacuum-retain-hours") && e.getMessage().contains("24")
        && e.getMessage().contains("maintenance.retention-check"), e.getMessage());
    assertEquals(0, ConfigLoader.parse("maintenance: {vacuum-retain-hours: 0, retention-check: false}\n", "t")
        .maintenance().vacuumRetainHours());
  }

  @Test
  void aMissingFileIsAUserError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> ConfigLoader.load(dir.resolve("nope.yaml")));
    assertEquals(ErrorCode.CONFIG_NOT_FOUND, e.code());
    Files.writeString(dir.resolve("ok.yaml"), "baseline:\n  retention-days: 60\n");
    assertEquals(60, ConfigLoader.load(dir.resolve("ok.yaml")).baseline().retentionDays());
  }
}

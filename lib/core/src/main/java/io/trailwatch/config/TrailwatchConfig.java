package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * The whole configuration, read from one YAML file (see docs/configuration.md). Every
 * section and key has a default, so an empty file (or none) is a valid configuration.
 */
public record TrailwatchConfig(
    @JsonProperty("ingest") IngestConfig ingest,
    @JsonProperty("identity") IdentityConfig identity,
    @JsonProperty("baseline") BaselineConfig baseline,
    @JsonProperty("policy") PolicyConfig policy,
    @JsonProperty("alerts") AlertsConfig alerts,
    @JsonProperty("delivery") DeliveryConfig delivery,
    @JsonProperty("accounts") AccountsConfig accounts,
    @JsonProperty("dynamodb") DynamoDbConfig dynamodb,
    @JsonProperty("maintenance") MaintenanceConfig maintenance,
    @JsonProperty("lease") LeaseConfig lease,
    @JsonProperty("coverage") CoverageConfig coverage,
    @JsonProperty("verdicts") VerdictsConfig verdicts) implements Serializable {

  public TrailwatchConfig {
    ingest = ingest == null ? IngestConfig.defaults() : ingest;
    identity = identity == null ? IdentityConfig.defaults() : identity;
    baseline = baseline == null ? BaselineConfig.defaults() : baseline;
    policy = policy == null ? PolicyConfig.defaults() : policy;
    alerts = alerts == null ? AlertsConfig.defaults() : alerts;
    delivery = delivery == null ? DeliveryConfig.defaults() : delivery;
    accounts = accounts == null ? AccountsConfig.defaults() : accounts;
    dynamodb = dynamodb == null ? DynamoDbConfig.defaults() : dynamodb;
    maintenance = maintenance == null ? MaintenanceConfig.defaults() : maintenance;
    lease = lease == null ? LeaseConfig.defaults() : lease;
    coverage = coverage == null ? CoverageConfig.defaults() : coverage;
    verdicts = verdicts == null ? VerdictsConfig.defaults() : verdicts;
  }

  public static TrailwatchConfig defaults() {
    return new TrailwatchConfig(null, null, null, null, null, null, null, null, null, null, null, null);
  }

  /** The same config with another baseline section (dimensions turned on in a demo, a test, a backtest's read). */
  public TrailwatchConfig withBaseline(BaselineConfig b) {
    return new TrailwatchConfig(ingest, identity, b, policy, alerts, delivery, accounts, dynamodb, maintenance, lease,
        coverage, verdicts);
  }

  /** The same config with another coverage section (the ledger off in bench, a demo's short history). */
  public TrailwatchConfig withCoverage(CoverageConfig c) {
    return new TrailwatchConfig(ingest, identity, baseline, policy, alerts, delivery, accounts, dynamodb, maintenance,
        lease, c, verdicts);
  }

  /** The same config learning these dimensions (api is always on). */
  public TrailwatchConfig withDimensions(java.util.List<io.trailwatch.dimensions.Dimension> dims) {
    return withBaseline(baseline.withDimensions(dims));
  }

  /** Checks every value; the first bad one is reported with its full key. */
  public void validate() {
    ingest.validate("ingest");
    identity.validate("identity");
    baseline.validate("baseline");
    policy.validate("policy");
    alerts.validate("alerts");
    delivery.validate("delivery");
    accounts.validate("accounts");
    dynamodb.validate("dynamodb");
    maintenance.validate("maintenance");
    lease.validate("lease");
    coverage.validate("coverage");
    verdicts.validate("verdicts");
  }
}

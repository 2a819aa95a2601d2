package io.trailwatch.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;
import java.net.URI;

/**
 * Where alerts go besides the alerts table: Splunk's HTTP Event Collector and an SNS topic. A
 * sink without its address (no {@code hec.url}, no {@code sns.topic-arn}) is off. The HEC token is
 * never in this file: it comes from {@code TRAILWATCH_HEC_TOKEN}, a file, or a Secrets Manager secret.
 */
public record DeliveryConfig(
    @JsonProperty("hec") Hec hec,
    @JsonProperty("sns") Sns sns,
    /** Each run retries what is pending among the alerts of this many days before its hour ({@code deliver}: before now). */
    @JsonProperty("lookback-days") Integer lookbackDays) implements Serializable {

  public DeliveryConfig {
    hec = hec == null ? Hec.defaults() : hec;
    sns = sns == null ? Sns.defaults() : sns;
    lookbackDays = Checks.orDefault(lookbackDays, 7);
  }

  public static DeliveryConfig defaults() {
    return new DeliveryConfig(null, null, null);
  }

  void validate(String p) {
    hec.validate(p + ".hec");
    sns.validate(p + ".sns");
    Checks.atLeast(p + ".lookback-days", lookbackDays, 1);
    Checks.atMost(p + ".lookback-days", lookbackDays, 90);
  }

  /** Splunk HEC: one event per alert, batched, retried with backoff. */
  public record Hec(
      @JsonProperty("url") String url,
      @JsonProperty("token-file") String tokenFile,
      @JsonProperty("token-secret-id") String tokenSecretId,
      @JsonProperty("index") String index,
      @JsonProperty("sourcetype") String sourcetype,
      @JsonProperty("source") String source,
      @JsonProperty("host") String host,
      @JsonProperty("ca-bundle") String caBundle,
      @JsonProperty("gzip") Boolean gzip,
      @JsonProperty("acks") Boolean acks,
      @JsonProperty("max-batch-bytes") Integer maxBatchBytes,
      @JsonProperty("connect-timeout-seconds") Integer connectTimeoutSeconds,
      @JsonProperty("read-timeout-seconds") Integer readTimeoutSeconds,
      @JsonProperty("ack-timeout-seconds") Integer ackTimeoutSeconds,
      @JsonProperty("max-attempts") Integer maxAttempts) implements Serializable {

    public Hec {
      sourcetype = sourcetype == null ? io.trailwatch.delivery.HecSettings.DEFAULT_SOURCETYPE : sourcetype;
      source = source == null ? "trailwatch" : source;
      gzip = gzip != null && gzip;
      acks = acks != null && acks;
      maxBatchBytes = Checks.orDefault(maxBatchBytes, 1_000_000);
      connectTimeoutSeconds = Checks.orDefault(connectTimeoutSeconds, 10);
      readTimeoutSeconds = Checks.orDefault(readTimeoutSeconds, 30);
      ackTimeoutSeconds = Checks.orDefault(ackTimeoutSeconds, 60);
      maxAttempts = Checks.orDefault(maxAttempts, 5);
    }

    public static Hec defaults() {
      return new Hec(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** The same settings with another URL (a command-line flag wins over the file). */
    public Hec withUrl(String v) {
      return new Hec(v, tokenFile, tokenSecretId, index, sourcetype, source, host, caBundle, gzip, acks,
          maxBatchBytes, connectTimeoutSeconds, readTimeoutSeconds, ackTimeoutSeconds, maxAttempts);
    }

    public boolean enabled() {
      return url != null && !url.isBlank();
    }

    void validate(String p) {
      if (enabled()) {
        URI u;
        try {
          u = URI.create(url);
        } catch (IllegalArgumentException e) {
          throw Checks.bad(p + ".url", url, "not a URL");
        }
        if (!"https".equals(u.getScheme()) && !"http".equals(u.getScheme()) || u.getHost() == null) {
          throw Checks.bad(p + ".url", url, "must be https://host[:port] (or http:// for a test receiver)");
        }
      }
      if (tokenFile != null && tokenSecretId != null) {
        throw Checks.bad(p + ".token-file", tokenFile, "set token-file or token-secret-id, not both");
      }
      Checks.atLeast(p + ".max-batch-bytes", maxBatchBytes, 1024);
      Checks.atMost(p + ".max-batch-bytes", maxBatchBytes, 100_000_000);
      Checks.atLeast(p + ".connect-timeout-seconds", connectTimeoutSeconds, 1);
      Checks.atLeast(p + ".read-timeout-seconds", readTimeoutSeconds, 1);
      Checks.atLeast(p + ".ack-timeout-seconds", ackTimeoutSeconds, 1);
      Checks.atLeast(p + ".max-attempts", maxAttempts, 1);
      Checks.atMost(p + ".max-attempts", maxAttempts, 20);
    }
  }

  /** SNS: one message per alert, published in batches of ten. */
  public record Sns(@JsonProperty("topic-arn") String topicArn) implements Serializable {
    public static Sns defaults() {
      return new Sns(null);
    }

    public boolean enabled() {
      return topicArn != null && !topicArn.isBlank();
    }

    void validate(String p) {
      if (enabled() && !topicArn.matches("arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}")) {
        throw Checks.bad(p + ".topic-arn", topicArn, "must be arn:aws:sns:<region>:<account>:<topic>");
      }
    }
  }
}

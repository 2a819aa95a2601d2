package io.trailwatch.cli;

import io.trailwatch.aws.S3Settings;
import io.trailwatch.aws.SecretsManagerSecrets;
import io.trailwatch.aws.SnsSink;
import io.trailwatch.config.DeliveryConfig;
import io.trailwatch.delivery.AlertSink;
import io.trailwatch.delivery.HecSettings;
import io.trailwatch.delivery.HecSink;
import io.trailwatch.delivery.Secret;
import io.trailwatch.delivery.SecretSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The sinks alerts go to besides the alerts table: the config's {@code delivery} section, flags first. */
final class SinkOptions {
  @Option(names = "--hec-url", paramLabel = "URL", description = "Splunk HEC, https://host:8088 (overrides delivery.hec.url)")
  String hecUrl;

  @Option(names = "--hec-token-file", paramLabel = "FILE",
      description = "File holding the HEC token (default: delivery.hec.token-file, else $TRAILWATCH_HEC_TOKEN)")
  Path hecTokenFile;

  @Option(names = "--hec-token-secret", paramLabel = "ID",
      description = "AWS Secrets Manager secret holding the HEC token (default: delivery.hec.token-secret-id)")
  String hecTokenSecret;

  @Option(names = "--sns-topic-arn", paramLabel = "ARN", description = "SNS topic, one message per alert"
      + " (overrides delivery.sns.topic-arn)")
  String snsTopicArn;

  /** The configured sinks; the HEC token is read once, here. */
  List<AlertSink> sinks(DeliveryConfig cfg) {
    List<AlertSink> out = new ArrayList<>();
    DeliveryConfig.Hec hec = hecUrl == null ? cfg.hec() : cfg.hec().withUrl(hecUrl);
    if (hec.enabled()) {
      HecSettings.Builder b = HecSettings.builder(URI.create(hec.url()), token(hec))
          .sourcetype(hec.sourcetype()).source(hec.source()).gzip(hec.gzip()).acks(hec.acks())
          .maxBatchBytes(hec.maxBatchBytes()).connectTimeout(Duration.ofSeconds(hec.connectTimeoutSeconds()))
          .readTimeout(Duration.ofSeconds(hec.readTimeoutSeconds()))
          .ackTimeout(Duration.ofSeconds(hec.ackTimeoutSeconds())).maxAttempts(hec.maxAttempts());
      if (hec.index() != null) {
        b.index(hec.index());
      }
      if (hec.host() != null) {
        b.host(hec.host());
      }
      if (hec.caBundle() != null) {
        b.caBundle(Path.of(hec.caBundle()));
      }
      out.add(new HecSink(b.build()));
    }
    String topic = snsTopicArn != null ? snsTopicArn : cfg.sns().topicArn();
    if (topic != null && !topic.isBlank()) {
      S3Settings aws = S3Settings.fromEnvironment();
      out.add(SnsSink.create(topic, System.getProperty("aws.endpointUrlSns", System.getenv("AWS_ENDPOINT_URL_SNS")),
          aws.region()));
    }
    return out;
  }

  private Secret token(DeliveryConfig.Hec hec) {
    if (hecTokenFile != null) {
      return SecretSource.file(hecTokenFile).read();
    }
    String secretId = hecTokenSecret != null ? hecTokenSecret : hec.tokenSecretId();
    if (secretId != null) {
      S3Settings aws = S3Settings.fromEnvironment();
      return SecretsManagerSecrets.create(secretId, System.getProperty("aws.endpointUrlSecretsManager",
          System.getenv("AWS_ENDPOINT_URL_SECRETS_MANAGER")), aws.region()).read();
    }
    if (hec.tokenFile() != null) {
      return SecretSource.file(Path.of(hec.tokenFile())).read();
    }
    return SecretSource.env(SecretSource.HEC_TOKEN_VARIABLE).read();
  }
}

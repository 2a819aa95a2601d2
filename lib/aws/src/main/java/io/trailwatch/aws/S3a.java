package io.trailwatch.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The Hadoop s3a settings for Delta state on {@code s3a://} (hadoop-aws 3.4.1 as on EMR 7.12, AWS
 * SDK v2 inside): the same endpoint and region as {@link S3Settings}, path-style addressing with
 * an endpoint override, credentials from the SDK v2 default chain. Hadoop 3.4 maps only a few SDK
 * v1 provider names to v2 classes (not v1's default chain), so every name here is an SDK v2 class,
 * loaded by Hadoop from the class path (EMR's SDK bundle there, never trailwatch's relocated copy). Delta picks its S3 single-driver log store
 * for the s3a scheme by itself: only one job may write a table at a time, which the
 * per-business-unit partitioning and MERGE conditions already assume of concurrent jobs.
 */
public final class S3a {
  /**
   * {@code software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider}, joined at run time:
   * the EMR jar relocates the SDK's package in every string constant too, and Hadoop must get the
   * name of the SDK it loads itself.
   */
  public static final String CREDENTIALS_CHAIN = String.join(".", "software", "amazon", "awssdk", "auth",
      "credentials", "DefaultCredentialsProvider");

  private S3a() {}

  /** Hadoop configuration keys and values (without the {@code spark.hadoop.} prefix). */
  public static Map<String, String> hadoopConf(S3Settings s) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("fs.s3a.aws.credentials.provider", CREDENTIALS_CHAIN);
    // A store that is down, a bucket that does not exist or one that denies access fails the run
    // within seconds, not after minutes of retries: a few attempts with short pauses, a missing
    // bucket found when the file system opens. Throttling keeps s3a's own, longer retries.
    m.put("fs.s3a.attempts.maximum", "3");
    m.put("fs.s3a.retry.limit", "3");
    m.put("fs.s3a.retry.interval", "250ms");
    m.put("fs.s3a.connection.establish.timeout", "5000");
    m.put("fs.s3a.bucket.probe", "2");
    if (s.endpoint() != null) {
      // On AWS itself s3a finds each bucket's region; an S3-compatible server takes the signing region given.
      m.put("fs.s3a.endpoint.region", s.region());
      m.put("fs.s3a.endpoint", s.endpoint());
      m.put("fs.s3a.path.style.access", "true");
      m.put("fs.s3a.connection.ssl.enabled", String.valueOf(s.endpoint().startsWith("https:")));
    }
    return m;
  }

  /**
   * Applies {@link #hadoopConf} to a running session: to the context's Hadoop configuration
   * (what executors and Delta's log store see) and to the session's SQL conf (what Spark SQL
   * copies into each new Hadoop configuration). File systems already cached for a bucket keep
   * their settings.
   */
  public static void configure(SparkSession spark, S3Settings s) {
    hadoopConf(s).forEach((k, v) -> {
      spark.sparkContext().hadoopConfiguration().set(k, v);
      spark.conf().set(k, v);
    });
  }
}

package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.regex.Pattern;

/**
 * A bucket and a key prefix, parsed from {@code s3://bucket[/prefix]} (or {@code s3a://}).
 * The prefix is empty or ends with {@code /}.
 */
public record S3Location(String bucket, String prefix) {
  /** The bucket naming rules, loosely: what S3 would reject is refused before any request. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  public static boolean isS3(String uri) {
    return uri != null && (uri.startsWith("s3://") || uri.startsWith("s3a://"));
  }

  /** @param option the flag the text came from, named in errors */
  public static S3Location parse(String option, String uri) {
    if (!isS3(uri)) {
      throw TrailwatchException.of(ErrorCode.BAD_S3_URI, "Cannot parse %s '%s': expected s3://bucket[/prefix]", option, uri);
    }
    String rest = uri.substring(uri.indexOf("://") + 3);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1);
    if (!BUCKET.matcher(bucket).matches()) {
      throw TrailwatchException.of(ErrorCode.BAD_S3_URI, "Cannot parse %s '%s': '%s' is not a bucket name", option, uri,
          bucket);
    }
    while (prefix.startsWith("/")) {
      prefix = prefix.substring(1);
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix = prefix + "/";
    }
    return new S3Location(bucket, prefix);
  }

  /** {@code s3://bucket/key}: the URI of an object, as planned files and quarantine entries name it. */
  public static String uri(String bucket, String key) {
    return "s3://" + bucket + "/" + key;
  }

  public String uri(String key) {
    return uri(bucket, key);
  }

  /** This location with the {@code s3a://} scheme, for Hadoop file systems (Delta state). */
  public String s3a() {
    String p = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    return "s3a://" + bucket + (p.isEmpty() ? "" : "/" + p);
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }
}

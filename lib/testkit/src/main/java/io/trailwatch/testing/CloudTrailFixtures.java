package io.trailwatch.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * Real-shaped CloudTrail records (the shapes in DESIGN.md and the AWS docs) and log files laid
 * out as in the S3 bucket, for tests.
 */
public final class CloudTrailFixtures {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
  private static final AtomicLong IDS = new AtomicLong();

  private CloudTrailFixtures() {}

  /** A record with the given userIdentity JSON. */
  public static String record(String userIdentity, String account, String eventSource, String eventName,
      Instant time, String errorCode) {
    return record(userIdentity, account, eventSource, eventName, time, errorCode, newEventId(), "198.51.100.7",
        "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64");
  }

  public static String record(String userIdentity, String account, String eventSource, String eventName,
      Instant time, String errorCode, String eventId, String sourceIp, String userAgent) {
    return "{\"eventVersion\":\"1.08\",\"userIdentity\":" + userIdentity
        + ",\"eventTime\":\"" + time.toString().replace(".000", "") + "\""
        + ",\"eventSource\":\"" + eventSource + "\",\"eventName\":\"" + eventName + "\""
        + ",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"" + sourceIp + "\""
        + ",\"userAgent\":" + quote(userAgent)
        + (errorCode == null ? "" : ",\"errorCode\":\"" + errorCode + "\",\"errorMessage\":\"denied\"")
        + ",\"requestParameters\":{\"bucketName\":\"b\",\"nested\":{\"a\":[1,2,{\"b\":null}]}}"
        + ",\"responseElements\":null,\"requestID\":\"" + UUID.randomUUID() + "\""
        + ",\"eventID\":\"" + eventId + "\",\"readOnly\":" + eventName.startsWith("Get")
        + ",\"eventType\":\"AwsApiCall\",\"managementEvent\":true,\"recipientAccountId\":\"" + account + "\""
        + ",\"eventCategory\":\"Management\"}";
  }

  public static String iamUser(String account, String name) {
    return "{\"type\":\"IAMUser\",\"principalId\":\"AIDA" + name.toUpperCase() + "EXAMPLE\",\"arn\":\"arn:aws:iam::"
        + account + ":user/" + name + "\",\"accountId\":\"" + account + "\",\"accessKeyId\":\"AKIAEXAMPLE\","
        + "\"userName\":\"" + name + "\"}";
  }

  public static String assumedRole(String account, String role, String session) {
    return "{\"type\":\"AssumedRole\",\"principalId\":\"AROAEXAMPLEID:" + session + "\",\"arn\":\"arn:aws:sts::"
        + account + ":assumed-role/" + role.substring(role.lastIndexOf('/') + 1) + "/" + session
        + "\",\"accountId\":\"" + account + "\",\"accessKeyId\":\"ASIAEXAMPLE\",\"sessionContext\":{"
        + "\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"AROAEXAMPLEID\",\"arn\":\"arn:aws:iam::" + account
        + ":role/" + role + "\",\"accountId\":\"" + account + "\",\"userName\":\""
        + role.substring(role.lastIndexOf('/') + 1) + "\"},\"attributes\":{\"creationDate\":\"2026-11-20T10:00:00Z\","
        + "\"mfaAuthenticated\":\"false\"}}}";
  }

  public static String root(String account) {
    return "{\"type\":\"Root\",\"principalId\":\"" + account + "\",\"arn\":\"arn:aws:iam::" + account
        + ":root\",\"accountId\":\"" + account + "\"}";
  }

  public static String awsService(String invokedBy) {
    return "{\"type\":\"AWSService\",\"invokedBy\":\"" + invokedBy + "\"}";
  }

  public static String newEventId() {
    return new UUID(0x5eedL, IDS.incrementAndGet()).toString();
  }

  /** Writes {@code {"Records":[...]}} gzipped at the bucket path of (account, region, fileTime). */
  public static Path writeLog(Path logs, String account, String region, Instant fileTime, List<String> records)
      throws IOException {
    return writeRaw(logs, account, region, fileTime, gzip(("{\"Records\":[" + String.join(",", records) + "]}")
        .getBytes(StandardCharsets.UTF_8)));
  }

  public static Path writeRaw(Path logs, String account, String region, Instant fileTime, byte[] content)
      throws IOException {
    Path dir = logs.resolve("AWSLogs").resolve(account).resolve("CloudTrail").resolve(region)
        .resolve(DAY.format(fileTime));
    Files.createDirectories(dir);
    Path f = dir.resolve(account + "_CloudTrail_" + region + "_" + STAMP.format(fileTime) + "_"
        + Long.toHexString(IDS.incrementAndGet()) + "abc.json.gz");
    Files.write(f, content);
    return f;
  }

  public static byte[] gzip(byte[] raw) throws IOException {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bos)) {
      gz.write(raw);
    }
    return bos.toByteArray();
  }

  public static Path writeAccounts(Path file, String... rows) throws IOException {
    Files.writeString(file, "account_id,name,business_unit\n" + String.join("\n", rows) + "\n");
    return file;
  }

  private static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}

package io.trailwatch.generate;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * The silent-trail incident (docs/coverage.md), staged on a generated organisation's logs: in the
 * hour before the incident hour an IAM user calls {@code cloudtrail:StopLogging} in a busy account,
 * and from the incident hour on that account delivers nothing. The account is the one with the
 * most files among those that delivered in each of the hours before and carry no other incident
 * or quiet case, so the other expectations of the organisation stay as they are.
 */
public final class SilentTrail {
  private static final Pattern NAME =
      Pattern.compile("(\\d{12})_CloudTrail_([a-z0-9-]+)_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json\\.gz");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");

  /** What the detector must report: one critical coverage alert for the account, naming the user. */
  public record Expected(String accountId, String principal, String call, Instant calledAt, String description) {}

  private SilentTrail() {}

  private record Found(Path path, String account, String region, Instant time) {}

  /**
   * Stages the incident on {@code org}'s logs (files of the account from the incident hour on are
   * removed, one file with the StopLogging call is added) and returns what must be alerted.
   *
   * @param hoursBefore the hours before the incident hour in which the account must have delivered
   */
  public static Expected stage(GeneratedOrg org, int hoursBefore) throws IOException {
    Instant incident = org.incidentHour();
    Instant from = incident.minus(Duration.ofHours(hoursBefore));
    List<Found> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(org.logsDir())) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        if (m.matches()) {
          files.add(new Found(p, m.group(1), m.group(2),
              LocalDateTime.parse(m.group(3), STAMP).toInstant(ZoneOffset.UTC)));
        }
      }
    }
    Set<String> busy = new HashSet<>();
    org.expectedAlerts().forEach(a -> busy.add(a.accountId()));
    org.expectedQuiet().forEach(q -> busy.add(q.accountId()));
    Map<String, Set<Instant>> hours = new TreeMap<>();
    Map<String, Integer> count = new TreeMap<>();
    for (Found f : files) {
      if (!f.time().isBefore(from) && f.time().isBefore(incident)) {
        hours.computeIfAbsent(f.account() + "/" + f.region(), a -> new HashSet<>()).add(f.time().truncatedTo(
            java.time.temporal.ChronoUnit.HOURS));
        count.merge(f.account(), 1, Integer::sum);
      }
    }
    // An account with a region that delivered in every one of those hours: one the rule watches.
    Set<String> steady = new HashSet<>();
    hours.forEach((k, hs) -> {
      if (hs.size() == hoursBefore) {
        steady.add(k.substring(0, k.indexOf('/')));
      }
    });
    String account = count.keySet().stream().filter(a -> !busy.contains(a) && steady.contains(a))
        .max(java.util.Comparator.comparing((String a) -> count.get(a)).thenComparing(a -> a))
        .orElseThrow(() -> new IllegalStateException("No account delivered in each of the " + hoursBefore
            + " hours before the incident hour"));
    Found model = files.stream().filter(f -> f.account().equals(account) && f.time().isBefore(incident))
        .max(java.util.Comparator.comparing(Found::time)).orElseThrow();
    for (Found f : files) {
      if (f.account().equals(account) && !f.time().isBefore(incident)) {
        Files.delete(f.path());
      }
    }
    Instant calledAt = incident.minus(Duration.ofMinutes(8));
    Instant fileTime = incident.minus(Duration.ofMinutes(5));
    String user = "arn:aws:iam::" + account + ":user/logging-admin";
    String event = "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":"
        + "\"AIDALOGGINGADMINEXAMPLE\",\"arn\":\"" + user + "\",\"accountId\":\"" + account + "\",\"accessKeyId\":"
        + "\"AKIALOGGINGADMIN0001\",\"userName\":\"logging-admin\"},\"eventTime\":\"" + calledAt + "\","
        + "\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"awsRegion\":\""
        + model.region() + "\",\"sourceIPAddress\":\"203.0.113.77\",\"userAgent\":\"aws-cli/2.15.0\","
        + "\"requestParameters\":{\"name\":\"org-trail\"},\"responseElements\":null,\"eventID\":"
        + "\"5f0c1b2e-0000-4000-8000-00000000dead\",\"readOnly\":false,\"eventType\":\"AwsApiCall\","
        + "\"managementEvent\":true,\"recipientAccountId\":\"" + account + "\",\"eventCategory\":\"Management\"}";
    String day = LocalDateTime.ofInstant(fileTime, ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy/MM/dd"));
    Path regionDir = model.path().getParent().getParent().getParent().getParent();
    Path dir = regionDir.resolve(day);
    Files.createDirectories(dir);
    Path out = dir.resolve(account + "_CloudTrail_" + model.region() + "_"
        + LocalDateTime.ofInstant(fileTime, ZoneOffset.UTC).format(STAMP) + "_StopLogging0001.json.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(out))) {
      o.write(("{\"Records\":[" + event + "]}").getBytes(StandardCharsets.UTF_8));
    }
    return new Expected(account, user, "cloudtrail:StopLogging", calledAt, "an IAM user stops the trail, then the"
        + " account delivers nothing");
  }
}

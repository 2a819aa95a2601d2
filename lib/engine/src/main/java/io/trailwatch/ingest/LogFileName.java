package io.trailwatch.ingest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The name of a CloudTrail log file: {@code <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<random>.json.gz}. */
public record LogFileName(String accountId, String region, Instant time) {
  private static final Pattern NAME =
      Pattern.compile("(\\d{12})_CloudTrail_([a-z0-9-]+)_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json\\.gz");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");

  public static Optional<LogFileName> parse(String fileName) {
    Matcher m = NAME.matcher(fileName);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      Instant t = LocalDateTime.parse(m.group(3), STAMP).toInstant(ZoneOffset.UTC);
      return Optional.of(new LogFileName(m.group(1), m.group(2), t));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

package io.trailwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The project's own odd-shaped CloudTrail records ({@code cloudtrail/odd-shapes.jsonl}, one record
 * a line) and what each must become ({@code cloudtrail/odd-shapes.expected.jsonl}, same line
 * numbers): a principal key and identity type, or a quarantine reason. They cover every identity
 * type and the shapes real exports show (placeholder and missing eventIDs, spaced event times,
 * {@code readOnly} as a string, free-form fields, a hostile user agent), so that the default suite
 * needs nothing outside the project.
 */
public final class OddShapes {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** In expected stand-in event ids ({@code missing:<file>#4}), the log file's URI. */
  public static final String FILE_TOKEN = "<file>";

  /**
   * One line of the expectations file. Either {@code principal} and {@code type} (normalised) or
   * {@code reason} (quarantined); {@code checks} holds the line as written, with any further
   * expected fields ({@code eventId}, {@code eventTime}, {@code readOnly}, {@code userAgentPrefix},
   * {@code userAgentLength}, {@code duplicateOf}).
   */
  public record Expected(int line, String principal, String type, String reason, JsonNode checks) {
    public boolean quarantined() {
      return reason != null;
    }

    /** The line this record redelivers (same eventID, time and name), or 0. */
    public int duplicateOf() {
      return checks.path("duplicateOf").asInt(0);
    }
  }

  private OddShapes() {}

  /** The records, one JSON text per line, in file order. */
  public static List<String> records() {
    return read("cloudtrail/odd-shapes.jsonl").stream().filter(l -> !l.isBlank()).toList();
  }

  /** The expectations, one per record, in the same order. */
  public static List<Expected> expected() {
    List<Expected> out = new ArrayList<>();
    for (String l : read("cloudtrail/odd-shapes.expected.jsonl")) {
      if (l.isBlank()) {
        continue;
      }
      try {
        JsonNode n = JSON.readTree(l);
        out.add(new Expected(n.get("line").asInt(), text(n, "principal"), text(n, "type"), text(n, "reason"), n));
      } catch (IOException e) {
        throw new UncheckedIOException("bad expectation line: " + l, e);
      }
    }
    return out;
  }

  /** The records as one CloudTrail log file's content, {@code {"Records":[...]}} (not compressed). */
  public static byte[] logFile() {
    return ("{\"Records\":[" + String.join(",", records()) + "]}").getBytes(StandardCharsets.UTF_8);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static List<String> read(String resource) {
    try (InputStream in = OddShapes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

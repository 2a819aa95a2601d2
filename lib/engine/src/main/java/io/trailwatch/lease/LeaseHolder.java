package io.trailwatch.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a business unit's lease records: who holds it (run id, command, host), since when and until when. */
public record LeaseHolder(String runId, String command, String host, Instant startedAt, Instant expiresAt) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** This holder with another expiry (a renewal, or a release: expiry now). */
  public LeaseHolder until(Instant t) {
    return new LeaseHolder(runId, command, host, startedAt, t);
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** One line for messages: {@code detect-2026... (detect on host-a/4242 since 2026-...Z, until ...Z)}. */
  public String describe() {
    return runId + " (" + command + " on " + host + " since " + startedAt + ", lease until " + expiresAt + ")";
  }

  public String toJson() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("command", command);
    m.put("host", host);
    m.put("started_at", startedAt.toString());
    m.put("expires_at", expiresAt.toString());
    try {
      return JSON.writeValueAsString(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The holder a lease object or file holds; null when it holds none (empty, or not a lease). */
  public static LeaseHolder fromJson(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(text);
      return new LeaseHolder(n.path("run_id").asText(), n.path("command").asText(), n.path("host").asText(),
          Instant.parse(n.path("started_at").asText()), Instant.parse(n.path("expires_at").asText()));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** This process: the host name and the process id ({@code host-a/4242}). */
  public static String thisHost() {
    String name;
    try {
      name = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      name = "unknown-host";
    }
    return name + "/" + ProcessHandle.current().pid();
  }
}

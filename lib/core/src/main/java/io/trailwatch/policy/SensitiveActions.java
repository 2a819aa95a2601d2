package io.trailwatch.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shipped catalogue of actions that matter more than others when they are new for a
 * principal: turning off the lights (CloudTrail, GuardDuty, Config), credential and policy
 * changes, key deletion, data exposure, secret reads, and reconnaissance. Keys are
 * {@code eventSource:eventName}. The config's {@code policy.sensitive-actions} adds to it.
 *
 * <p>The catalogue is data: {@code sensitive-actions.tsv} beside this class, one action a line
 * with its severity and its MITRE ATT&CK technique id (and the technique page it comes from).
 */
public final class SensitiveActions {
  static final String RESOURCE = "sensitive-actions.tsv";
  private static final Map<String, Severity> SHIPPED = new HashMap<>();
  private static final Map<String, String> TECHNIQUES = new HashMap<>();

  static {
    try (InputStream in = SensitiveActions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The jar lacks " + RESOURCE);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        String key = f[0] + ".amazonaws.com:" + f[1];
        SHIPPED.put(key, Severity.valueOf(f[2].toUpperCase(Locale.ROOT)));
        if (!f[3].isEmpty()) {
          TECHNIQUES.put(key, f[3]);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private SensitiveActions() {}

  /** The shipped catalogue with {@code extra} over it. */
  public static Map<String, Severity> catalogue(Map<String, Severity> extra) {
    Map<String, Severity> m = new HashMap<>(SHIPPED);
    m.putAll(extra);
    return Map.copyOf(m);
  }

  /** The MITRE ATT&CK technique id of a shipped action ({@code T1562.008}), or null when it has none. */
  public static String technique(String eventSource, String eventName) {
    return eventSource == null || eventName == null ? null : TECHNIQUES.get(key(eventSource, eventName));
  }

  public static String key(String eventSource, String eventName) {
    return eventSource + ":" + eventName;
  }
}

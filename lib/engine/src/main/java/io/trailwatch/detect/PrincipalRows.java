package io.trailwatch.detect;

import io.trailwatch.core.PrincipalKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The principals of some business units as one run reads them: each principal's first and last
 * sighting and identity type. The three things a comparison asks of the principals table (the
 * stored rows of an hour's principals, how much history each business unit holds, and how many
 * principals of each identity type each account has) are answered from these rows. The hourly
 * run reads them in one scan of the table ({@code PrincipalsTable.rows}), where it made three
 * queries; a backtest's memory state holds the same rows and asks the same questions.
 */
public final class PrincipalRows {
  /** No principal: a business unit with no history yet, or an hour without files. */
  public static final PrincipalRows NONE = new PrincipalRows(Map.of(), Map.of());

  private final Map<PrincipalKey, Stored.Principal> rows;
  private final Map<PrincipalKey, String> identityTypes;

  /** Live views of {@code rows} and their identity types (a memory state keeps adding to them). */
  public PrincipalRows(Map<PrincipalKey, Stored.Principal> rows, Map<PrincipalKey, String> identityTypes) {
    this.rows = rows;
    this.identityTypes = identityTypes;
  }

  /** Rows read from a table: each row with its identity type. */
  public static PrincipalRows of(List<Stored.Principal> rows, List<String> identityTypes) {
    Map<PrincipalKey, Stored.Principal> byKey = new HashMap<>();
    Map<PrincipalKey, String> types = new HashMap<>();
    for (int i = 0; i < rows.size(); i++) {
      byKey.put(rows.get(i).key(), rows.get(i));
      types.put(rows.get(i).key(), identityTypes.get(i));
    }
    return new PrincipalRows(byKey, types);
  }

  /** The stored rows of {@code keys} (those the rows hold). */
  public List<Stored.Principal> stored(List<PrincipalKey> keys) {
    List<Stored.Principal> out = new ArrayList<>();
    for (PrincipalKey k : keys) {
      Stored.Principal p = rows.get(k);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  /** The first sighting before {@code asOf}, per business unit: how much history the state holds. */
  public Map<String, Instant> historyStart(Instant asOf) {
    Map<String, Instant> out = new HashMap<>();
    for (Stored.Principal p : rows.values()) {
      if (p.firstSeen().isBefore(asOf)) {
        out.merge(p.key().businessUnit(), p.firstSeen(), (a, b) -> a.isBefore(b) ? a : b);
      }
    }
    return out;
  }

  /**
   * How many principals of each identity type each account has as of {@code asOf}: first seen
   * before it, and last seen within the retention window before it.
   */
  public List<Peers.TypeCount> countsByType(Instant asOf, int retentionDays) {
    Instant since = asOf.minus(Duration.ofDays(retentionDays));
    Map<Peers.AccountType, Long> counts = new HashMap<>();
    for (Stored.Principal p : rows.values()) {
      if (p.firstSeen().isBefore(asOf) && !p.lastSeen().isBefore(since)) {
        counts.merge(new Peers.AccountType(p.key().businessUnit(), p.key().accountId(),
            identityTypes.get(p.key())), 1L, Long::sum);
      }
    }
    List<Peers.TypeCount> out = new ArrayList<>();
    counts.forEach((k, n) -> out.add(new Peers.TypeCount(k.businessUnit(), k.accountId(), k.identityType(), n)));
    return out;
  }

  public int size() {
    return rows.size();
  }
}

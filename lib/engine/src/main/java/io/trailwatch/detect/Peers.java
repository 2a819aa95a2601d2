package io.trailwatch.detect;

import io.trailwatch.core.PrincipalKey;
import io.trailwatch.policy.Candidate;
import io.trailwatch.policy.Prevalence;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prevalence of new behaviours among peers, in plain Java: from how many principals of each
 * account and identity type hold each behaviour in the baseline as of the detect hour
 * ({@code BaselineTable.holders}) and how many principals of each type each account has
 * ({@code PrincipalsTable.countsByType}). The hourly run and a backtest's memory state both
 * produce those counts; this turns them into each candidate's {@link Prevalence}.
 */
public final class Peers {
  /** How many principals of one account and identity type hold one behaviour. */
  public record Holders(String businessUnit, String accountId, String identityType, String eventSource,
      String eventName, long principals) {}

  /** How many principals of one identity type one account has (seen within the retention window). */
  public record TypeCount(String businessUnit, String accountId, String identityType, long principals) {}

  /** A behaviour of a business unit, as prevalence is looked up: (business unit, eventSource, eventName). */
  public record Key(String businessUnit, String eventSource, String eventName) {}

  /** An identity type in one account: what {@link TypeCount} counts. */
  public record AccountType(String businessUnit, String accountId, String identityType) {}

  private Peers() {}

  /** The behaviours whose prevalence matters: the new ones of principals that alert. */
  public static List<Key> wanted(List<Candidate> candidates, Set<PrincipalKey> alerting) {
    Set<Key> out = new LinkedHashSet<>();
    for (Candidate c : candidates) {
      if (!c.known() && alerting.contains(c.principalKey())) {
        out.add(new Key(c.businessUnit(), c.eventSource(), c.eventName()));
      }
    }
    return List.copyOf(out);
  }

  /** The candidates, each new one of {@code wanted} with its prevalence; the others as they are. */
  public static List<Candidate> withPrevalence(List<Candidate> candidates, List<Key> wanted, List<Holders> holders,
      List<TypeCount> typeCounts) {
    Set<Key> asked = Set.copyOf(wanted);
    Map<Key, List<Holders>> byKey = new HashMap<>();
    for (Holders h : holders) {
      byKey.computeIfAbsent(new Key(h.businessUnit(), h.eventSource(), h.eventName()), k -> new ArrayList<>()).add(h);
    }
    Map<AccountType, Long> types = new HashMap<>();
    for (TypeCount t : typeCounts) {
      types.merge(new AccountType(t.businessUnit(), t.accountId(), t.identityType()), t.principals(), Long::sum);
    }
    List<Candidate> out = new ArrayList<>(candidates.size());
    for (Candidate c : candidates) {
      Key k = new Key(c.businessUnit(), c.eventSource(), c.eventName());
      if (c.known() || !asked.contains(k)) {
        out.add(c);
        continue;
      }
      long account = 0;
      long bu = 0;
      long sameType = 0;
      for (Holders h : byKey.getOrDefault(k, List.of())) {
        bu += h.principals();
        if (h.accountId().equals(c.accountId())) {
          account += h.principals();
          if (h.identityType().equals(c.identityType())) {
            sameType += h.principals();
          }
        }
      }
      long typeTotal = types.getOrDefault(new AccountType(c.businessUnit(), c.accountId(), c.identityType()), 0L);
      out.add(c.withPrevalence(new Prevalence(account, bu, sameType, typeTotal)));
    }
    return out;
  }
}

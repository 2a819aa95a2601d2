package io.trailwatch.generate;

import java.util.List;

/**
 * A principal that does new-looking things in the incident hour and must NOT be alerted on.
 *
 * @param name the scenario, e.g. "session-churn"
 * @param principalPrefix every principal key starting with it must stay quiet in {@code accountId}
 * @param dimensions the dimensions ({@link ExpectedAlert#DIMENSIONS}) on which it must stay quiet
 */
public record ExpectedQuiet(String name, String accountId, String principalPrefix, List<String> dimensions,
    String description) {
  public ExpectedQuiet {
    dimensions = List.copyOf(dimensions);
  }
}

package io.trailwatch.generate;

/**
 * A principal that does new-looking things in the incident hour and must NOT be alerted on.
 *
 * @param name the scenario, e.g. "session-churn"
 * @param principalPrefix every principal key starting with it must stay quiet in {@code accountId}
 */
public record ExpectedQuiet(String name, String accountId, String principalPrefix, String description) {}

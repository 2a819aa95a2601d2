package io.trailwatch.generate;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * What {@link SyntheticOrg#generate} wrote.
 *
 * @param logsDir the folder holding {@code AWSLogs/...} (the "bucket")
 * @param accountsCsv {@code account_id,name,business_unit}
 * @param manifest JSON: the spec, counts, incident hour, expected alerts and quiet cases
 * @param incidentHour start of the last hour of history
 * @param events CloudTrail records written (a redelivered duplicate counts twice)
 * @param files CloudTrail log files written (digest files not counted)
 * @param expectedAlerts one row per (principal, dimension, new behaviour) the detector must alert on in the incident
 *     hour, over all dimensions: see {@link #expectedAlertsFor}
 * @param expectedQuiet principals that do new-looking things in the incident hour and must not alert
 * @param incidentHourCounts the incident hour's records and redelivered duplicates, over all accounts
 */
public record GeneratedOrg(Path logsDir, Path accountsCsv, Path manifest, Instant incidentHour, long events, long files,
    List<ExpectedAlert> expectedAlerts, List<ExpectedQuiet> expectedQuiet, HourCounts incidentHourCounts) {
  public GeneratedOrg {
    expectedAlerts = List.copyOf(expectedAlerts);
    expectedQuiet = List.copyOf(expectedQuiet);
  }

  /**
   * The expected alerts of a detector that baselines the given dimensions ({@link ExpectedAlert#DIMENSIONS}):
   * {@code expectedAlertsFor(List.of("api"))} for api behaviour only.
   */
  public List<ExpectedAlert> expectedAlertsFor(Collection<String> dimensions) {
    return expectedAlerts.stream().filter(a -> dimensions.contains(a.dimension())).toList();
  }
}

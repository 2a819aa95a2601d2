package io.trailwatch.generate;

/**
 * What the generator wrote for one hour: what a detect run of that hour must count.
 *
 * @param records CloudTrail records whose eventTime is in the hour, a redelivered one counted twice
 *     (a run's {@code records_in_window})
 * @param duplicates redelivered copies among them (a run's {@code duplicates_dropped})
 */
public record HourCounts(long records, long duplicates) {}

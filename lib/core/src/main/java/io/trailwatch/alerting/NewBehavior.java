package io.trailwatch.alerting;

import java.time.Instant;

/**
 * One behaviour in an alert. {@code failed}: every call of it in the hour failed (it did not
 * become normal). {@code sensitivity}: its level in the sensitive-actions catalogue, or null.
 * {@code known}: it was already in the baseline (only in Root's any-activity alerts).
 */
public record NewBehavior(String eventSource, String eventName, long count, Instant firstTime, Instant lastTime,
    boolean failed, boolean readOnly, String sensitivity, boolean known) {}

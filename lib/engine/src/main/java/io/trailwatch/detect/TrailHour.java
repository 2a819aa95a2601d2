package io.trailwatch.detect;

import io.trailwatch.ingest.TamperCall;
import java.time.Instant;

/**
 * One account-region-hour of the coverage ledger, as the silent-trail rule reads it.
 *
 * @param trail the organisation trail's id ({@code o-...}) or null for the account's own trail
 * @param events the hour's events its files held (0: files, but nothing of the hour)
 * @param tamper the last logging-tamper call of the hour in that account-region, or null
 */
public record TrailHour(String accountId, String region, Instant hour, String trail, long events, TamperCall tamper) {}

package io.trailwatch.ingest;

import java.io.Serializable;
import java.time.Instant;

/**
 * One CloudTrail log object to read. {@code fileTime} is the time in its name (near delivery;
 * its events are older).
 */
public record LogFile(String uri, String accountId, String businessUnit, String region, Instant fileTime, long size)
    implements Serializable {}

package io.trailwatch.ingest;

import java.sql.Timestamp;

/**
 * One parsed event, as {@link RecordParser} hands it to its sink: the fields of
 * {@link EventSchema#EVENTS}, with the time as epoch microseconds. The parser reuses one instance
 * for every record of a file: a sink that keeps values copies them ({@link #values()}).
 */
public final class ParsedEvent {
  public String businessUnit;
  public String accountId;
  public String principal;
  public String identityType;
  public String eventSource;
  public String eventName;
  public String eventId;
  public long eventTimeMicros;
  public String awsRegion;
  public String sourceIp;
  public String userAgent;
  /** The VPC endpoint the call came through, or null. */
  public String vpcEndpointId;
  public String errorCode;
  public Boolean readOnly;

  /** The values in {@link EventSchema#EVENTS} order, the time as a {@link Timestamp}. */
  public Object[] values() {
    return new Object[] {businessUnit, accountId, principal, identityType, eventSource, eventName, eventId,
        timestamp(eventTimeMicros), awsRegion, sourceIp, userAgent, errorCode, readOnly, vpcEndpointId};
  }

  /** Epoch microseconds as a Timestamp (exact to the microsecond). */
  public static Timestamp timestamp(long micros) {
    Timestamp ts = new Timestamp(Math.floorDiv(micros, 1000));
    ts.setNanos((int) Math.floorMod(micros, 1_000_000L) * 1000);
    return ts;
  }
}

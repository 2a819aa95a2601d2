package io.trailwatch.detect;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * One behaviour of one principal in one hour, as the read reduced it ({@link Behaviors#CONTEXT}):
 * counts, first and last time (of any call, and of a successful one: null when every call
 * failed), and the bounded context an alert shows.
 */
public record HourBehavior(
    String businessUnit,
    String accountId,
    String principal,
    String identityType,
    String eventSource,
    String eventName,
    long events,
    long failedEvents,
    Instant firstTime,
    Instant lastTime,
    Instant firstOkTime,
    Instant lastOkTime,
    boolean readOnly,
    List<String> sourceIps,
    List<String> userAgents,
    List<String> regions,
    List<String> errorCodes,
    List<String> eventIds,
    Map<String, Long> calls) {

  public HourBehavior {
    calls = calls == null ? Map.of() : Map.copyOf(calls);
    sourceIps = List.copyOf(sourceIps);
    userAgents = List.copyOf(userAgents);
    regions = List.copyOf(regions);
    errorCodes = List.copyOf(errorCodes);
    eventIds = List.copyOf(eventIds);
  }

  /**
   * Whether this is an api behaviour (a call), not a value of another dimension: only api rows
   * count events, since every event is also in one row of each other dimension.
   */
  public boolean isApi() {
    return eventSource.isEmpty() || eventSource.charAt(0) != io.trailwatch.dimensions.Dimension.KEY_MARK;
  }

  /** Whether at least one call succeeded: only then can the behaviour become normal. */
  public boolean succeeded() {
    return BaselineRule.writable(events, failedEvents);
  }

  /** A {@link Behaviors#CONTEXT} row, read by column name. */
  public static HourBehavior fromRow(Row r) {
    return new HourBehavior(r.getAs("business_unit"), r.getAs("account_id"), r.getAs("principal"),
        r.getAs("identity_type"), r.getAs("event_source"), r.getAs("event_name"), r.<Long>getAs("events"),
        orZero(r.getAs("failed_events")), instant(r.getAs("first_time")), instant(r.getAs("last_time")),
        instant(r.getAs("first_ok_time")), instant(r.getAs("last_ok_time")), Boolean.TRUE.equals(r.getAs("read_only")),
        strings(r, "source_ips"), strings(r, "user_agents"), strings(r, "regions"), strings(r, "error_codes"),
        strings(r, "event_ids"), calls(r));
  }

  private static Map<String, Long> calls(Row r) {
    int i = r.fieldIndex("calls");
    return r.isNullAt(i) ? Map.of() : r.<String, Long>getJavaMap(i);
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static List<String> strings(Row r, String column) {
    int i = r.fieldIndex(column);
    return r.isNullAt(i) ? List.of() : r.getList(i);
  }
}

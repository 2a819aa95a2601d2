package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.aws.DynamoDbMirror;
import io.trailwatch.baseline.BaselineReader;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.state.StateLayout;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "lookup", mixinStandardHelpOptions = true,
    description = {"List a principal's known behaviours (unexpired baseline rows) with first and last seen, as CSV.",
        "With --state, also the behaviours that would alert as returning (status returning: expired, last seen"
            + " within baseline.returning-horizon-days).",
        "Reads the DynamoDB mirror when a table is given (--dynamodb-table or dynamodb.table), else the Delta"
            + " state (--state)."})
final class LookupCommand implements Callable<Integer> {
  static final String HEADER = "business_unit,account_id,identity_type,event_source,event_name,first_seen,last_seen,"
      + "expires_at,status";
  /** The account field of an ARN, e.g. arn:aws:iam::111122223333:role/x. */
  private static final Pattern ARN_ACCOUNT = Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\\d{12}):.*");
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  @Option(names = "--principal", required = true, paramLabel = "KEY",
      description = "The principal as the baseline keys it (docs/detection.md: principals), e.g. a role or user ARN")
  String principal;

  @Option(names = "--account", paramLabel = "ID",
      description = "The account (default: the account in the principal's ARN for DynamoDB, every account for Delta)")
  String account;

  @Option(names = "--dynamodb-table", paramLabel = "NAME", description = "Read the DynamoDB mirror table")
  String table;

  @Option(names = "--state", paramLabel = "DIR|S3", description = "Read the Delta baseline under this state root")
  String state;

  @Mixin ConfigOption config;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[*]",
      description = "Spark master for --state (default: ${DEFAULT-VALUE})")
  String master;

  @Override
  public Integer call() {
    if (account != null && !ACCOUNT_ID.matcher(account).matches()) {
      throw TrailwatchException.of(ErrorCode.BAD_ACCOUNT_ID, "Cannot look up --account '%s': expected 12 digits", account);
    }
    if (table != null && state != null) {
      throw TrailwatchException.of(ErrorCode.BAD_LOOKUP_SOURCE, "Cannot look up in both --dynamodb-table and --state: give one");
    }
    String name = state == null ? DynamoDbInitCommand.tableName(table, config) : null;
    Instant now = Instant.now();
    List<MirrorItem> rows;
    List<MirrorItem> returning = new java.util.ArrayList<>();
    if (name != null) {
      try (DynamoDbMirror m = DynamoDbMirror.create(name)) {
        rows = m.lookup(accountFor(principal, account), principal, now);
      }
    } else if (state != null) {
      var spark = Options.spark(master, io.trailwatch.aws.S3Location.isS3(state));
      StateLayout layout = new StateLayout(spark, Options.stateRoot(state));
      List<String> units = layout.businessUnits();
      if (units.isEmpty()) {
        throw TrailwatchException.of(ErrorCode.NO_BASELINE, "Cannot read the baseline at %s: there is no business"
            + " unit's baseline there yet (run baseline or detect first)", state);
      }
      rows = new java.util.ArrayList<>();
      int horizon = config.load().baseline().returningHorizonDays();
      for (String unit : units) {
        BaselineReader reader = new BaselineReader(spark, layout.of(unit));
        if (reader.exists()) {
          rows.addAll(reader.lookup(account, principal, now));
          returning.addAll(reader.lookupExpired(account, principal, now, horizon));
        }
      }
    } else {
      throw TrailwatchException.of(ErrorCode.BAD_LOOKUP_SOURCE, "Cannot look up a principal: give --dynamodb-table NAME (or"
          + " dynamodb.table in --config) or --state DIR");
    }
    StringBuilder out = new StringBuilder(HEADER).append('\n');
    for (MirrorItem r : rows) {
      out.append(line(r, "known"));
    }
    for (MirrorItem r : returning) {
      out.append(line(r, "returning"));
    }
    System.out.print(out);
    System.out.flush();
    if (rows.isEmpty() && returning.isEmpty()) {
      System.err.println("trailwatch: no known behaviour of " + principal
          + (account == null ? "" : " in account " + account));
    }
    return 0;
  }

  /** A CSV line: a behaviour and whether it is known or would alert as returning. */
  private static String line(MirrorItem r, String status) {
    return String.join(",", r.businessUnit(), r.accountId(), r.identityType(), r.eventSource(), r.eventName(),
        r.firstSeen().toString(), r.lastSeen().toString(), r.expiresAt().toString(), status) + "\n";
  }

  /** The mirror's key needs the account: {@code --account}, else the principal's ARN's. */
  static String accountFor(String principal, String account) {
    if (account != null) {
      return account;
    }
    Matcher m = ARN_ACCOUNT.matcher(principal);
    if (m.matches()) {
      return m.group(1);
    }
    throw TrailwatchException.of(ErrorCode.LOOKUP_NEEDS_ACCOUNT, "Cannot look up '%s' in DynamoDB without --account: the"
        + " principal is not an ARN with an account in it", principal);
  }
}

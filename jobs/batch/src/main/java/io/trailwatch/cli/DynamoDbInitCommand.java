package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.aws.DynamoDbMirror;
import io.trailwatch.core.TrailwatchException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "dynamodb-init", mixinStandardHelpOptions = true,
    description = "Create the DynamoDB table of the baseline mirror (on-demand capacity, key pk/sk) with TTL on"
        + " expires_at, unless it exists; see docs/dynamodb.md.")
final class DynamoDbInitCommand implements Callable<Integer> {
  @Option(names = "--dynamodb-table", paramLabel = "NAME", description = "The table (default: dynamodb.table of the config)")
  String table;

  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    String name = tableName(table, config);
    if (name == null) {
      throw TrailwatchException.of(ErrorCode.NO_DYNAMODB_TABLE, "Cannot create the mirror table: give --dynamodb-table NAME"
          + " or set dynamodb.table in --config");
    }
    try (DynamoDbMirror m = DynamoDbMirror.create(name)) {
      DynamoDbMirror.TableSetup s = m.createTable();
      System.out.printf("DynamoDB table %s %s; TTL on %s: %s%n", name, s.created() ? "created" : "exists",
          s.ttlAttribute(), s.ttlStatus());
    }
    return 0;
  }

  /** {@code --dynamodb-table}, else the config's {@code dynamodb.table} (both checked), else null. */
  static String tableName(String flag, ConfigOption config) {
    String fromConfig = config.load().dynamodb().table();
    if (flag == null) {
      return fromConfig;
    }
    if (!io.trailwatch.config.DynamoDbConfig.TABLE_NAME.matcher(flag).matches()) {
      throw TrailwatchException.of(ErrorCode.BAD_DYNAMODB_TABLE, "Cannot use --dynamodb-table '%s': DynamoDB table names have"
          + " 3-255 letters, digits, '_', '.' or '-'", flag);
    }
    return flag;
  }
}

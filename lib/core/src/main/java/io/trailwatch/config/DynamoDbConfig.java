package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.core.TrailwatchException;
import java.io.Serializable;
import java.util.regex.Pattern;

/** The DynamoDB mirror of the baseline (docs/dynamodb.md). */
public record DynamoDbConfig(
    /** The table the baseline is mirrored to (and lookup reads); null: no mirror. {@code --dynamodb-table} wins. */
    @JsonProperty("table") String table) implements Serializable {

  /** DynamoDB's table name rule. */
  public static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

  public DynamoDbConfig {
    table = table == null || table.isBlank() ? null : table.strip();
  }

  public static DynamoDbConfig defaults() {
    return new DynamoDbConfig(null);
  }

  void validate(String p) {
    if (table != null && !TABLE_NAME.matcher(table).matches()) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
          "Cannot set %s.table to '%s': DynamoDB table names have 3-255 letters, digits, '_', '.' or '-'", p, table);
    }
  }
}

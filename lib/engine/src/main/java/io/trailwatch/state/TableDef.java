package io.trailwatch.state;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One Delta table under the state root: its name (the folder), columns, partitioning and table
 * properties. Rows are made by column name ({@link #row}), never by position, so the schema is
 * the one place the order lives. sql/ddl.sql declares the same tables; a test checks it.
 */
public record TableDef(String name, StructType schema, List<String> partitionedBy, Map<String, String> properties) {
  public TableDef {
    partitionedBy = List.copyOf(partitionedBy);
    properties = Map.copyOf(properties);
    Set<String> columns = new HashSet<>(Arrays.asList(schema.fieldNames()));
    if (!columns.containsAll(partitionedBy)) {
      throw new IllegalArgumentException("Table " + name + " is partitioned by columns it lacks: " + partitionedBy);
    }
  }

  /** A row of this table from a value per column name; every column must be named, and only those. */
  public Row row(Map<String, ?> values) {
    return row(() -> name, schema, values);
  }

  /** A row of {@code schema} (a table's, or the key or source rows of its queries) from a value per column name. */
  public static Row row(StructType schema, Map<String, ?> values) {
    // The name only for an error: schema.simpleString() costs more than the row (thousands per hour).
    return row(() -> "a row of " + schema.simpleString(), schema, values);
  }

  private static Row row(java.util.function.Supplier<String> name, StructType schema, Map<String, ?> values) {
    StructField[] fields = schema.fields();
    if (values.size() != fields.length) {
      Set<String> extra = new HashSet<>(values.keySet());
      extra.removeAll(Arrays.asList(schema.fieldNames()));
      Set<String> missing = new HashSet<>(Arrays.asList(schema.fieldNames()));
      missing.removeAll(values.keySet());
      throw new IllegalArgumentException("A row of " + name.get() + " needs exactly its columns: missing " + missing
          + ", unknown " + extra);
    }
    Object[] out = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      if (!values.containsKey(fields[i].name())) {
        throw new IllegalArgumentException("A row of " + name.get() + " lacks column " + fields[i].name());
      }
      out[i] = values.get(fields[i].name());
    }
    return RowFactory.create(out);
  }
}

package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.Tables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.DatabaseInput;
import software.amazon.awssdk.services.glue.model.EntityNotFoundException;
import software.amazon.awssdk.services.glue.model.SerDeInfo;
import software.amazon.awssdk.services.glue.model.StorageDescriptor;
import software.amazon.awssdk.services.glue.model.TableInput;

/**
 * Registers each business unit's Delta tables in the AWS Glue Data Catalog, as Athena reads
 * Delta Lake natively: an external table whose {@code table_type} is {@code DELTA} and whose
 * location is the table's folder, with no columns (Athena and Spark read the schema from the
 * Delta log, so a table that gains a column needs no new sync). {@code spark.sql.sources.provider}
 * and the SerDe's {@code path} let Spark with Glue as its metastore (EMR, EMR Studio) read it as
 * a Delta table too. Idempotent: a table already there is updated to the same definition.
 *
 * <p>Names: {@code <bu>_<table>} in lower case, anything but letters, digits and {@code _} as
 * {@code _} ({@code payments_alerts}), as Glue and Athena want them.
 */
public final class GlueCatalog {
  private final GlueClient glue;

  public GlueCatalog(GlueClient glue) {
    this.glue = glue;
  }

  /** A client for {@code endpoint} (null: AWS) in {@code region}, with the SDK's standard retries. */
  public static GlueCatalog connect(String endpoint, String region) {
    return new GlueCatalog(AwsClients.build(GlueClient.builder(), endpoint, region, true));
  }

  /** What one sync did: the tables created and those updated, by Glue name. */
  public record Synced(String database, List<String> created, List<String> updated) {
    public Synced {
      created = List.copyOf(created);
      updated = List.copyOf(updated);
    }
  }

  /**
   * Makes {@code database} if missing, then registers every table of every business unit of the
   * state at {@code root} ({@code s3://bucket/prefix}).
   */
  public Synced sync(String database, String root, List<String> businessUnits) {
    checkName(database);
    ensureDatabase(database);
    List<String> created = new ArrayList<>();
    List<String> updated = new ArrayList<>();
    for (String bu : businessUnits) {
      for (String table : Tables.ALL) {
        TableInput input = tableInput(tableName(bu, table), StateLayout.folder(root.replaceAll("/+$", ""), bu) + "/"
            + table + "/");
        if (exists(database, input.name())) {
          call("update " + database + "." + input.name(), () -> glue.updateTable(r -> r.databaseName(database)
              .tableInput(input)));
          updated.add(input.name());
        } else {
          call("create " + database + "." + input.name(), () -> glue.createTable(r -> r.databaseName(database)
              .tableInput(input)));
          created.add(input.name());
        }
      }
    }
    return new Synced(database, created, updated);
  }

  /** The Glue table of one business unit's table. */
  static TableInput tableInput(String name, String location) {
    return TableInput.builder()
        .name(name)
        .tableType("EXTERNAL_TABLE")
        .parameters(Map.of("table_type", "DELTA", "EXTERNAL", "TRUE", "spark.sql.sources.provider", "delta",
            "classification", "delta"))
        .storageDescriptor(StorageDescriptor.builder().location(location)
            .serdeInfo(SerDeInfo.builder().parameters(Map.of("path", location)).build()).build())
        .build();
  }

  /** {@code payments_alerts}: Glue's table names are lower case letters, digits and underscores. */
  public static String tableName(String businessUnit, String table) {
    return (businessUnit + "_" + table).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }

  /**
   * Athena's views across business units, one per table ({@code tw_alerts} over
   * {@code payments_alerts}, {@code retail_alerts}, ...), so the portable queries of
   * {@code sql/queries.sql} run there as they do on Spark's views.
   */
  public static String athenaViews(String database, List<String> businessUnits) {
    StringBuilder sb = new StringBuilder("-- Athena views over the business units of database " + database + ": "
        + String.join(", ", businessUnits) + "\n");
    for (String table : Tables.ALL) {
      sb.append("CREATE OR REPLACE VIEW tw_").append(table).append(" AS\n");
      sb.append(businessUnits.stream().map(bu -> "SELECT * FROM \"" + database + "\".\"" + tableName(bu, table) + "\"")
          .collect(Collectors.joining("\nUNION ALL\n")));
      sb.append(";\n");
    }
    return sb.toString();
  }

  private boolean exists(String database, String table) {
    try {
      glue.getTable(r -> r.databaseName(database).name(table));
      return true;
    } catch (EntityNotFoundException e) {
      return false;
    } catch (SdkException e) {
      throw failure("read " + database + "." + table, e);
    }
  }

  private void ensureDatabase(String database) {
    try {
      glue.getDatabase(r -> r.name(database));
    } catch (EntityNotFoundException e) {
      call("create database " + database, () -> glue.createDatabase(r -> r.databaseInput(DatabaseInput.builder()
          .name(database).description("trailwatch state: one Delta table per business unit and table").build())));
    } catch (SdkException e) {
      throw failure("read database " + database, e);
    }
  }

  private static void checkName(String database) {
    if (!database.matches("[a-z0-9_]{1,255}")) {
      throw TrailwatchException.of(ErrorCode.BAD_GLUE_DATABASE, "Cannot use --database %s: Glue and Athena want lower"
          + " case letters, digits and underscores", database);
    }
  }

  private static <T> T call(String what, java.util.function.Supplier<T> op) {
    try {
      return op.get();
    } catch (SdkException e) {
      throw failure(what, e);
    }
  }

  private static TrailwatchException failure(String what, SdkException e) {
    String detail = e instanceof AwsServiceException s ? AwsClients.detail(s) : e.getMessage();
    return TrailwatchException.wrap(ErrorCode.GLUE_FAILED, e, "Cannot %s in the Glue Data Catalog: %s", what, detail);
  }
}

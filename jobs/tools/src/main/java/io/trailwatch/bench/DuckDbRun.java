package io.trailwatch.bench;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The comparison: DuckDB reading the same files with an explicit schema of only the fields it
 * needs, computing the distinct (principal, eventSource, eventName) tuples. Loaded through JDBC by
 * URL, so that DuckDB is needed on the class path only when the bench runs (bin/trailwatch adds it).
 */
public final class DuckDbRun {
  /** The schema of {@code Records}: what the principal, source and name need, nothing else. */
  static final String RECORDS_TYPE = "STRUCT(eventSource VARCHAR, eventName VARCHAR, "
      + "userIdentity STRUCT(type VARCHAR, principalId VARCHAR, arn VARCHAR, invokedBy VARCHAR, "
      + "sessionContext STRUCT(sessionIssuer STRUCT(arn VARCHAR))))[]";

  /** Distinct tuples and seconds. */
  public record Result(long tuples, long records, double seconds, String version) {}

  private DuckDbRun() {}

  public static boolean available() {
    try {
      Class.forName("org.duckdb.DuckDBDriver");
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Runs the query with {@code threads} threads; the principal is the role for assumed roles, else the ARN or id. */
  public static Result run(List<Path> files, int threads) throws SQLException {
    if (!available()) {
      throw TrailwatchException.of(ErrorCode.DUCKDB_MISSING,
          "Cannot run the DuckDB comparison: org.duckdb:duckdb_jdbc is not on the class path (run it as 'bin/trailwatch bench')");
    }
    StringBuilder list = new StringBuilder("[");
    for (int i = 0; i < files.size(); i++) {
      list.append(i == 0 ? "" : ",").append('\'').append(files.get(i).toAbsolutePath().toString().replace("'", "''"))
          .append('\'');
    }
    list.append(']');
    String source = "read_json(" + list + ", format = 'auto', compression = 'gzip', maximum_object_size = 268435456, "
        + "columns = {'Records': '" + RECORDS_TYPE + "'})";
    String sql = "SELECT count(*), sum(n) FROM (SELECT p, s, e, count(*) AS n FROM ("
        + " SELECT coalesce(r.userIdentity.sessionContext.sessionIssuer.arn, r.userIdentity.arn,"
        + " r.userIdentity.principalId, r.userIdentity.invokedBy) AS p, r.eventSource AS s, r.eventName AS e"
        + " FROM (SELECT unnest(Records) AS r FROM " + source + ")) GROUP BY p, s, e)";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
      st.execute("SET threads = " + threads);
      String version;
      try (ResultSet v = st.executeQuery("SELECT version()")) {
        v.next();
        version = v.getString(1);
      }
      long t0 = System.nanoTime();
      try (ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        long tuples = rs.getLong(1);
        long records = rs.getLong(2);
        return new Result(tuples, records, (System.nanoTime() - t0) / 1e9, version);
      }
    }
  }
}

package io.trailwatch.state;

import java.util.List;
import java.util.stream.Collectors;

/** Pieces of the tables' MERGE conditions and joins. */
final class Sql {
  private Sql() {}

  /** Business units in a MERGE condition. Names are checked plain ({@code Accounts}) before they get here. */
  static String inList(String alias, List<String> businessUnits) {
    return alias + ".business_unit IN (" + businessUnits.stream().map(Sql::quoted).collect(Collectors.joining(", "))
        + ")";
  }

  /** Account ids in a MERGE condition (ids are twelve digits: {@code Accounts} checks them). */
  static String accountsIn(String alias, List<String> accountIds) {
    return alias + ".account_id IN (" + accountIds.stream().map(Sql::quoted).collect(Collectors.joining(", ")) + ")";
  }

  /**
   * The target's rows of these principals ({@code t.principal IN (...)}): added to a MERGE's
   * condition, it holds for every row a source row of theirs can match, and Delta's scan for matches
   * keeps only their rows (tested on one column, before any row is built).
   */
  static org.apache.spark.sql.Column principalIn(String alias, java.util.stream.Stream<String> principals) {
    return org.apache.spark.sql.functions.col(alias + ".principal").isin(principals.distinct().toArray());
  }

  private static String quoted(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Join columns as Spark's Scala API takes them. */
  static scala.collection.Seq<String> scala(String[] cols) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(cols)).toSeq();
  }
}

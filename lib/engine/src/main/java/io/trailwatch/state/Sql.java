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

  private static String quoted(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Join columns as Spark's Scala API takes them. */
  static scala.collection.Seq<String> scala(String[] cols) {
    return scala.collection.JavaConverters.asScalaBuffer(List.of(cols)).toSeq();
  }
}

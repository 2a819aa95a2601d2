package io.trailwatch.backtest;

import io.trailwatch.alerting.Alert;
import io.trailwatch.alerting.AlertJson;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * Writes what a backtest found under its output folder: per variant, the alerts as a Delta table
 * ({@code alerts}, the state's alerts definition) and as JSON Lines ({@code alerts.jsonl}) — the
 * main variant at the folder's root, the compared one under {@code compare/} — and the numbers of
 * the report as {@code summary.json}.
 */
public final class BacktestOutputs {
  public static final String COMPARE = "compare";

  private BacktestOutputs() {}

  /** The folder of variant {@code index}'s alerts. */
  public static Path folderOf(Path out, int index) {
    return index == 0 ? out : out.resolve(COMPARE + (index == 1 ? "" : "-" + index));
  }

  /** Writes the alerts and the summary; returns the files and tables written. */
  public static List<Path> write(SparkSession spark, BacktestResult result, BacktestSummary summary, Path out,
      String runId) {
    List<Path> written = new ArrayList<>();
    for (int i = 0; i < result.runs().size(); i++) {
      Path dir = folderOf(out.toAbsolutePath(), i);
      // A plain state of its own under --out, holding only the alerts table: never the live state.
      StateStore store = new StateStore(spark, dir.toUri().toString());
      List<Alert> alerts = result.runs().get(i).alerts();
      store.guarded(() -> {
        store.ensureTable(Tables.ALERTS);
        store.alerts().append(alerts, runId);
        return null;
      });
      written.add(dir.resolve(Tables.ALERTS));
      Path jsonl = dir.resolve("alerts.jsonl");
      AlertJson.writeLines(jsonl, result.runs().get(i).alerts());
      written.add(jsonl);
    }
    Path json = out.resolve("summary.json");
    summary.write(json);
    written.add(json);
    return written;
  }
}

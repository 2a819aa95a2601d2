package io.trailwatch.pipeline;

import io.trailwatch.accounts.Account;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.Window;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.StateStore;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs a job's business units, each with a {@link Pipeline} on that BU's own tables
 * ({@link StateLayout}), and adds up what they did. A job of one BU (the hourly job on EMR) is one
 * run; a job of several BUs (the demo, a laptop) is one run per BU, a few at a time, and writes
 * exactly what separate jobs would.
 */
public final class PerBusinessUnit {
  /** How many business units of a job run at once in the driver. */
  static final int PARALLEL = 3;

  private final StateLayout layout;
  private final Function<StateStore, Pipeline> pipelineOn;

  /** {@code pipelineOn} makes the pipeline of one BU's state: everything but the state is the job's. */
  public PerBusinessUnit(StateLayout layout, Function<StateStore, Pipeline> pipelineOn) {
    this.layout = layout;
    this.pipelineOn = pipelineOn;
  }

  public RunSummary detect(Hour hour, List<Account> accounts) {
    return each(accounts, (p, some) -> p.detect(hour, some));
  }

  public RunSummary buildBaseline(Window window, List<Account> accounts) {
    return each(accounts, (p, some) -> p.buildBaseline(window, some));
  }

  /** {@link Pipeline#rebuildBaseline}: each BU's rows of these accounts replaced in that BU's tables. */
  public RunSummary rebuildBaseline(Window window, List<Account> accounts) {
    return each(accounts, (p, some) -> p.rebuildBaseline(window, some));
  }

  private RunSummary each(List<Account> accounts, BiFunction<Pipeline, List<Account>, RunSummary> run) {
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("A run needs accounts");
    }
    layout.check();
    TreeMap<String, List<Account>> byUnit = accounts.stream()
        .collect(Collectors.groupingBy(Account::businessUnit, TreeMap::new, Collectors.toList()));
    if (byUnit.size() == 1) {
      Map.Entry<String, List<Account>> only = byUnit.firstEntry();
      return run.apply(pipelineOn.apply(layout.of(only.getKey())), only.getValue());
    }
    // Several BUs in one driver: their tables are disjoint, so they run side by side (the fixed
    // part of a run, Delta snapshots and listings, waits on storage as much as on CPU).
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, byUnit.size()), r -> {
      Thread t = new Thread(r, "trailwatch-bu");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<RunSummary>> runs = new ArrayList<>();
      for (Map.Entry<String, List<Account>> e : byUnit.entrySet()) {
        runs.add(pool.submit(() -> run.apply(pipelineOn.apply(layout.of(e.getKey())), e.getValue())));
      }
      RunSummary total = null;
      RuntimeException failed = null;
      for (Future<RunSummary> f : runs) {
        try {
          RunSummary s = f.get();
          total = total == null ? s : total.plus(s);
        } catch (ExecutionException e) {
          // Every BU's run finishes (each on its own tables); the first failure is the job's.
          if (failed == null) {
            failed = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, e, "Interrupted while running the business units");
        }
      }
      if (failed != null) {
        throw failed;
      }
      return total;
    } finally {
      pool.shutdownNow();
    }
  }
}

package io.trailwatch.pipeline;

import io.trailwatch.accounts.Account;
import io.trailwatch.core.Hour;
import io.trailwatch.core.RunSummary;
import io.trailwatch.core.Window;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.StateStore;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.lease.Lease;
import io.trailwatch.lease.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.Map;
import java.util.TreeMap;
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
  private final Leases leases;
  private final Duration wait;

  /** {@code pipelineOn} makes the pipeline of one BU's state: everything but the state is the job's. */
  public PerBusinessUnit(StateLayout layout, Function<StateStore, Pipeline> pipelineOn) {
    this(layout, pipelineOn, Leases.NONE, Duration.ZERO);
  }

  /**
   * Each business unit's run holding that BU's lease ({@code leases}, waiting up to {@code wait}
   * for it), its state fenced by the lease: a run that loses it writes nothing more.
   */
  public PerBusinessUnit(StateLayout layout, Function<StateStore, Pipeline> pipelineOn, Leases leases, Duration wait) {
    this.layout = layout;
    this.pipelineOn = pipelineOn;
    this.leases = leases;
    this.wait = wait;
  }

  public RunSummary detect(Hour hour, List<Account> accounts) {
    return detect(hour, accounts, 0, false).summary();
  }

  /**
   * What a detect job did: the hour's summary (all BUs), the missing hours it detected first
   * ({@code --fill-gaps}), and per BU the hours of the lookback that are still missing.
   */
  public record Detected(RunSummary summary, List<RunSummary> filled, Map<String, List<Hour>> missing) {}

  /**
   * Detects {@code hour}; first, under the same lease, looks for the hours of the {@code lookbackDays}
   * before it that no detect run of the BU completed, and with {@code fillGaps} detects them, oldest first.
   */
  public Detected detect(Hour hour, List<Account> accounts, int lookbackDays, boolean fillGaps) {
    Instant from = hour.start().minus(Duration.ofDays(lookbackDays));
    List<Detected> each = each("detect", accounts, (p, store, some) -> {
      String bu = some.get(0).businessUnit();
      List<Hour> missing = lookbackDays == 0 ? List.of()
          : Coverage.of(store, bu, from, hour.start()).missing(from, hour.start());
      List<RunSummary> filled = new ArrayList<>();
      if (fillGaps) {
        for (Hour h : missing) {
          filled.add(p.detect(h, some));
        }
      }
      return new Detected(p.detect(hour, some), filled, Map.of(bu, fillGaps ? List.of() : missing));
    });
    RunSummary total = null;
    List<RunSummary> filled = new ArrayList<>();
    Map<String, List<Hour>> missing = new TreeMap<>();
    for (Detected d : each) {
      total = total == null ? d.summary() : total.plus(d.summary());
      filled.addAll(d.filled());
      missing.putAll(d.missing());
    }
    return new Detected(total, List.copyOf(filled), missing);
  }

  public RunSummary buildBaseline(Window window, List<Account> accounts) {
    return sum(each("baseline", accounts, (p, store, some) -> p.buildBaseline(window, some)));
  }

  /** {@link Pipeline#rebuildBaseline}: each BU's rows of these accounts replaced in that BU's tables. */
  public RunSummary rebuildBaseline(Window window, List<Account> accounts) {
    return sum(each("baseline", accounts, (p, store, some) -> p.rebuildBaseline(window, some)));
  }

  private static RunSummary sum(List<RunSummary> runs) {
    return runs.stream().reduce(RunSummary::plus).orElseThrow();
  }

  /** One business unit's run: its pipeline, its (fenced) tables, its accounts. */
  private interface Unit<T> {
    T run(Pipeline p, StateStore store, List<Account> accounts);
  }

  /** One BU's run under its lease. */
  private <T> T leased(String command, String bu, List<Account> some, Unit<T> run) {
    try (Lease lease = leases.take(bu, command, wait)) {
      StateStore store = layout.of(bu).fence(lease);
      return run.run(pipelineOn.apply(store), store, some);
    }
  }

  private <T> List<T> each(String command, List<Account> accounts, Unit<T> run) {
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("A run needs accounts");
    }
    layout.check();
    TreeMap<String, List<Account>> byUnit = accounts.stream()
        .collect(Collectors.groupingBy(Account::businessUnit, TreeMap::new, Collectors.toList()));
    if (byUnit.size() == 1) {
      Map.Entry<String, List<Account>> only = byUnit.firstEntry();
      return List.of(leased(command, only.getKey(), only.getValue(), run));
    }
    // Several BUs in one driver: their tables are disjoint, so they run side by side (the fixed
    // part of a run, Delta snapshots and listings, waits on storage as much as on CPU).
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, byUnit.size()), r -> {
      Thread t = new Thread(r, "trailwatch-bu");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> runs = new ArrayList<>();
      for (Map.Entry<String, List<Account>> e : byUnit.entrySet()) {
        runs.add(pool.submit(() -> leased(command, e.getKey(), e.getValue(), run)));
      }
      List<T> out = new ArrayList<>();
      RuntimeException failed = null;
      for (Future<T> f : runs) {
        try {
          out.add(f.get());
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
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}

package io.trailwatch.lease;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Leases as objects of a {@link LeaseStore} (S3): a free lease (no object, or an expired one) is
 * taken with a conditional write; the holder renews it every third of its expiry in the
 * background; before every commit it checks that the object is still the one it wrote and that
 * its expiry has not passed. A holder that died leaves a lease that is free after its expiry.
 */
public final class ObjectLeases implements Leases {
  /** How often a waiting writer looks at the lease again. */
  static final Duration POLL = Duration.ofSeconds(2);

  private final LeaseStore store;
  private final Duration expiry;
  private final Clock clock;
  private final boolean renew;

  public ObjectLeases(LeaseStore store, Duration expiry) {
    this(store, expiry, Clock.systemUTC(), true);
  }

  /** @param renew false: the holder never renews (a test stands for a run frozen past its expiry) */
  public ObjectLeases(LeaseStore store, Duration expiry, Clock clock, boolean renew) {
    this.store = store;
    this.expiry = expiry;
    this.clock = clock;
    this.renew = renew;
  }

  @Override
  public Optional<LeaseHolder> holder(String businessUnit) {
    return store.read(businessUnit).map(LeaseStore.Versioned::holder)
        .filter(h -> h != null && !h.expiredAt(clock.instant()));
  }

  @Override
  public Lease take(String businessUnit, String command, Duration wait) {
    Instant deadline = clock.instant().plus(wait);
    String runId = command + "-" + UUID.randomUUID().toString().substring(0, 8);
    while (true) {
      Instant now = clock.instant();
      LeaseHolder me = new LeaseHolder(runId, command, LeaseHolder.thisHost(), now, now.plus(expiry));
      Optional<LeaseStore.Versioned> current = store.read(businessUnit);
      LeaseHolder other = current.map(LeaseStore.Versioned::holder).orElse(null);
      if (other == null || other.expiredAt(now)) {
        // Free: no object, an unreadable one, or an expired one (its holder died or gave it up).
        Optional<String> version = store.write(businessUnit, me, current.map(LeaseStore.Versioned::version).orElse(null));
        if (version.isPresent()) {
          return new Held(businessUnit, me, version.get());
        }
        continue; // another writer took it first: look again
      }
      if (!now.isBefore(deadline)) {
        throw TrailwatchException.of(ErrorCode.BU_BUSY, "Business unit %s is busy: %s holds its lease at %s;"
            + " run again later or pass --wait MINUTES", businessUnit, other.describe(), store.where(businessUnit));
      }
      sleep(Duration.ofMillis(Math.min(POLL.toMillis(), Duration.between(now, deadline).toMillis() + 1)));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(Math.max(1, d.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, e, "Interrupted while waiting for a lease");
    }
  }

  /** A lease this process holds: renewed in the background, checked before each commit, released on close. */
  private final class Held implements Lease {
    private final String businessUnit;
    private LeaseHolder holder;
    private String version;
    private boolean lost;
    private String why;
    private final ScheduledExecutorService renewal;

    Held(String businessUnit, LeaseHolder holder, String version) {
      this.businessUnit = businessUnit;
      this.holder = holder;
      this.version = version;
      this.renewal = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trailwatch-lease-" + businessUnit);
        t.setDaemon(true);
        return t;
      });
      if (renew) {
        long every = Math.max(1, expiry.toMillis() / 3);
        renewal.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
      }
    }

    @Override
    public synchronized LeaseHolder holder() {
      return holder;
    }

    /** One renewal: a conditional write of a later expiry. A store that fails now is tried again next time. */
    private synchronized void renew() {
      if (lost) {
        return;
      }
      if (holder.expiredAt(clock.instant())) {
        lose("it expired at " + holder.expiresAt() + " before it could be renewed");
        return;
      }
      LeaseHolder next = holder.until(clock.instant().plus(expiry));
      try {
        Optional<String> v = store.write(businessUnit, next, version);
        if (v.isPresent()) {
          holder = next;
          version = v.get();
        } else {
          lose("another run replaced it");
        }
      } catch (RuntimeException e) {
        // The store did not answer: the lease stays valid until its expiry, and the fence checks that.
      }
    }

    private void lose(String reason) {
      lost = true;
      why = reason;
    }

    @Override
    public synchronized void check(String table) {
      if (!lost && holder.expiredAt(clock.instant())) {
        lose("it expired at " + holder.expiresAt());
      }
      if (!lost) {
        Optional<LeaseStore.Versioned> now = store.read(businessUnit);
        if (now.isEmpty() || !version.equals(now.get().version())) {
          lose("it is now " + now.map(v -> v.holder() == null ? "unreadable" : "held by " + v.holder().describe())
              .orElse("gone"));
        }
      }
      if (lost) {
        throw TrailwatchException.of(ErrorCode.BU_LEASE_LOST, "Run %s lost the lease of business unit %s (%s) and"
            + " did not write %s; what it wrote before is kept, and a rerun of the same command finishes the work",
            holder.runId(), businessUnit, why, table);
      }
    }

    @Override
    public void close() {
      renewal.shutdownNow();
      synchronized (this) {
        if (lost) {
          return;
        }
        lost = true;
        why = "it was released";
        try {
          // Released: the same holder with an expiry of now, written only if it is still ours.
          store.write(businessUnit, holder.until(clock.instant()), version);
        } catch (RuntimeException e) {
          // Not released: it expires by itself.
        }
      }
    }
  }
}

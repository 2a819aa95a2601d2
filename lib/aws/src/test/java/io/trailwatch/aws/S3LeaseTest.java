package io.trailwatch.aws;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.tables.DeltaTable;
import io.trailwatch.accounts.Account;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.lease.Lease;
import io.trailwatch.lease.Leases;
import io.trailwatch.lease.ObjectLeases;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.state.StateLayout;
import io.trailwatch.state.StateStore;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkTest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A business unit's lease as an S3 object written with conditional writes (moto), and the fence it gives a run. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class S3LeaseTest extends SparkTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final Duration NOW = Duration.ZERO;

  @TempDir Path dir;

  static S3LeaseStore store() {
    return new S3LeaseStore(MOTO.s3(), S3Location.parse("--state", "s3://" + MOTO.newBucket("lease") + "/tw"));
  }

  static Leases leases(S3LeaseStore store, Duration expiry, boolean renew) {
    return new ObjectLeases(store, expiry, Clock.systemUTC(), renew);
  }

  static ErrorCode codeOf(Runnable r) {
    return assertThrows(TrailwatchException.class, r::run).code();
  }

  @Test
  void aSecondWriterIsRefusedWithBuBusyAndTheHolderIsNamed() {
    S3LeaseStore s = store();
    Leases leases = leases(s, Duration.ofMinutes(5), true);
    try (Lease held = leases.take("payments", "detect", NOW)) {
      assertEquals(ErrorCode.BU_BUSY, codeOf(() -> leases.take("payments", "maintain", NOW)));
      assertEquals(held.holder().runId(), leases.holder("payments").orElseThrow().runId());
      try (Lease other = leases.take("retail", "detect", NOW)) {
        other.check(Tables.ALERTS); // another business unit's lease is its own
      }
      held.check(Tables.ALERTS);
    }
    assertTrue(leases.holder("payments").isEmpty(), "released");
    try (Lease again = leases.take("payments", "detect", NOW)) {
      again.check(Tables.BASELINE);
    }
  }

  @Test
  void ofWritersRacingForAFreeLeaseExactlyOneWins() throws Exception {
    S3LeaseStore s = store();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Lease> won = new ArrayList<>();
    try {
      List<Future<Lease>> takers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Callable<Lease> take = () -> leases(s, Duration.ofMinutes(5), true).take("payments", "detect", NOW);
        takers.add(pool.submit(take));
      }
      int busy = 0;
      for (Future<Lease> f : takers) {
        try {
          won.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          assertEquals(ErrorCode.BU_BUSY, ((TrailwatchException) e.getCause()).code());
          busy++;
        }
      }
      assertEquals(1, won.size());
      assertEquals(3, busy);
    } finally {
      won.forEach(Lease::close);
      pool.shutdownNow();
    }
  }

  @Test
  void aWaitingWriterGetsTheLeaseOnceItIsReleased() throws Exception {
    S3LeaseStore s = store();
    Leases leases = leases(s, Duration.ofMinutes(5), true);
    Lease first = leases.take("payments", "detect", NOW);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<Lease> waiting = pool.submit(() -> leases.take("payments", "detect", Duration.ofSeconds(60)));
      Thread.sleep(1500);
      assertFalse(waiting.isDone(), "waits while the lease is held");
      first.close();
      try (Lease second = waiting.get(30, TimeUnit.SECONDS)) {
        second.check(Tables.ALERTS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aRenewedLeaseOutlivesItsExpiry() throws Exception {
    S3LeaseStore s = store();
    Leases leases = leases(s, Duration.ofSeconds(2), true);
    try (Lease held = leases.take("payments", "detect", NOW)) {
      Thread.sleep(3500);
      assertEquals(ErrorCode.BU_BUSY, codeOf(() -> leases.take("payments", "detect", NOW)));
      held.check(Tables.BASELINE);
    }
  }

  /**
   * A holder frozen past its expiry (it does not renew): another run takes the lease over, and the
   * frozen one's run, when it goes on, writes nothing to its business unit's tables.
   */
  @Test
  void aHolderWhoseLeaseWasTakenOverWritesNothing() throws Exception {
    S3LeaseStore s = store();
    Lease frozen = leases(s, Duration.ofSeconds(2), false).take("payments", "detect", NOW);
    Thread.sleep(2500);
    try (Lease next = leases(s, Duration.ofMinutes(5), true).take("payments", "detect", NOW)) {
      Instant t = Instant.parse("2026-11-20T14:03:00Z");
      String pay = "111111111111";
      Path logs = dir.resolve("logs");
      writeLog(logs, pay, "us-east-1", t.plusSeconds(600),
          List.of(record(root(pay), pay, "signin.amazonaws.com", "ConsoleLogin", t, null)));
      StateStore state = new StateLayout(spark, dir.resolve("state").toUri().toString()).of("payments").fence(frozen);
      Pipeline p = Pipeline.builder(spark).logs(new LocalLogPlanner(logs), new LocalOpener()).state(state).build();
      List<Account> accounts = List.of(new Account(pay, "pay-prod", "payments"));
      assertEquals(ErrorCode.BU_LEASE_LOST, codeOf(() -> p.detect(Hour.containing(t), accounts)));
      for (String table : Tables.ALL) {
        assertFalse(DeltaTable.isDeltaTable(spark, state.path(table)), table + " was not even created");
      }
      next.check(Tables.ALERTS);
    } finally {
      frozen.close();
    }
  }
}

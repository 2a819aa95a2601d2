package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.accounts.Account;
import io.trailwatch.aws.S3Location;
import io.trailwatch.aws.S3LogPlanner;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;

/** {@code bench-plan}'s request counts and prices: the requests the planner really sends to an S3 server. */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BenchPlanCostTest {
  @RegisterExtension
  static final MotoServer MOTO = new MotoServer();

  @Test
  void printedRequestsOfADayAreThoseThePlannerSends() {
    String bucket = "bench-cost-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    CommandRun r = CommandRun.of(ToolsMain::run, "bench-plan", "--endpoint", MOTO.endpoint(), "--bucket", bucket,
        "--accounts", "2", "--regions", "2", "--files-per-day", "24", "--repeat", "1", "--org-accounts", "2",
        "--org-regions", "2", "--org-bus", "1");
    assertEquals(0, r.code(), r.out() + r.err());
    String[] perDay = r.out().lines().filter(l -> l.trim().startsWith("per day")).findFirst().orElseThrow().trim()
        .split("\\s+");

    // The same 24 runs, counted at the HTTP client: each hour from 6 h before it to 30 min after its end.
    AtomicLong lists = new AtomicLong();
    long gets = 0;
    List<Account> accounts = List.of(new Account("200000000001", "bench-1", "bench"),
        new Account("200000000002", "bench-2", "bench"));
    try (S3Client s3 = MOTO.client(S3Client.builder().forcePathStyle(true)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(
            countListings(lists))))) {
      for (int h = 0; h < 24; h++) {
        Instant start = Instant.parse("2026-11-20T00:00:00Z").plus(Duration.ofHours(h));
        Instant last = start.plus(Duration.ofMinutes(90));
        LogPlanner.Plan plan = new S3LogPlanner(s3, S3Location.parse("--bucket", "s3://" + bucket), 4, 1000)
            .plan(accounts, start.minus(Duration.ofHours(6)), last);
        gets += plan.files().stream().filter(f -> !f.fileTime().isBefore(start) && !f.fileTime().isAfter(last)).count();
      }
    }
    // Per run: AWSLogs/, the organisation, 2 trails; 4 day folders, 8 for the 7 hours whose window crosses midnight.
    assertEquals(24 * 4 + 17 * 4 + 7 * 8, lists.get());
    // One file an hour: 2 per account-region and run, 1 for hour 23 (the bucket holds one day).
    assertEquals(4 * (23 * 2 + 1), gets);
    assertEquals(String.format("%,d", lists.get()), perDay[2], r.out());
    assertEquals(String.format("%,d", gets), perDay[3], r.out());
  }

  @Test
  void eachKindOfRequestGrowsWithWhatItLists() {
    // Measured on 2 accounts x 2 regions of one BU: 24 runs of 1 AWSLogs/, 1 organisation, 2 trails, 124 day folders.
    ListingCost.Requests measured = new ListingCost.Requests(24, 24, 24, 48, 124, 188);
    ListingCost.Cost cost = ListingCost.scale(measured, 2, 2, new ListingCost.Organisation(4, 3, 2, 24), 0.005,
        0.0004);
    // 2 BUs x 2 + 4 accounts x 1 per run, 12 account-regions x 124 / 96 day folders; GETs 12 x 188 / 96.
    assertEquals(24 * 4 + 24 * 4 + 12 * 124 / 4.0, cost.listsPerDay(), 1e-9);
    assertEquals(12 * 188 / 4.0, cost.getsPerDay(), 1e-9);
    assertEquals(cost.listsPerDay() * 365 / 1000 * 0.005, ListingCost.Cost.price(cost.listsPerYear(), 0.005), 1e-9);
  }

  @Test
  void anOrganisationOfNoAccountsIsAUserError() {
    CommandRun r = CommandRun.of(ToolsMain::run, "bench-plan", "--endpoint", MOTO.endpoint(), "--org-accounts", "0");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--org-accounts"), r.err());
  }

  private static ExecutionInterceptor countListings(AtomicLong lists) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        if (context.request() instanceof ListObjectsV2Request) {
          lists.incrementAndGet();
        }
      }
    };
  }
}

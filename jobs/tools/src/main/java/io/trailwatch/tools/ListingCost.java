package io.trailwatch.tools;

import io.trailwatch.accounts.Account;
import io.trailwatch.aws.S3Location;
import io.trailwatch.aws.S3LogPlanner;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.ingest.LogPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;

/**
 * What the S3 requests of hourly runs cost at organisation scale. Nothing here models the
 * planner: {@link #measure} runs the real {@link S3LogPlanner} once for each hour of a day, with
 * the window a detect run plans (the late-file lookback before the hour, the delivery lag after
 * it), and counts the LIST requests it sends by what they list. {@link #scale} then multiplies
 * each kind by what it grows with: business units (the {@code AWSLogs/} and organisation
 * listings each run makes), accounts (one listing of each trail's regions), account-regions
 * (the day folders and the files read).
 */
final class ListingCost {
  private ListingCost() {}

  /** Requests of some runs, by kind. {@code gets}: the files the runs read for their own hour, one GET each. */
  record Requests(long runs, long root, long organisations, long trails, long dayFolders, long gets) {
    long lists() {
      return root + organisations + trails + dayFolders;
    }
  }

  /** The organisation to price: all its accounts, each BU running its own job. */
  record Organisation(long accounts, int regions, int businessUnits, int runsPerDay) {}

  /** Requests a day and a year, and what they cost. */
  record Cost(double listsPerHour, double getsPerHour, double listsPerDay, double getsPerDay, double listPricePer1000,
      double getPricePer1000) {
    double listsPerYear() {
      return listsPerDay * 365;
    }

    double getsPerYear() {
      return getsPerDay * 365;
    }

    static double price(double requests, double per1000) {
      return requests / 1000 * per1000;
    }
  }

  /**
   * Plans each of the 24 hours of {@code day}'s UTC day as a detect run does: from {@code lateFileHours}
   * before the hour to {@code lag} after its end. Returns the requests of all 24 runs.
   */
  static Requests measure(S3Client s3, S3Location where, List<Account> accounts, Instant day, Duration lag,
      int lateFileHours, int threads) {
    Counting counting = new Counting(s3);
    long planned = 0;
    long gets = 0;
    for (int h = 0; h < 24; h++) {
      Hour hour = new Hour(day.plus(Duration.ofHours(h)));
      Instant last = hour.end().plus(lag);
      S3LogPlanner planner = new S3LogPlanner(counting, where, threads, S3LogPlanner.MAX_PAGE_SIZE);
      LogPlanner.Plan plan = planner.plan(accounts, hour.start().minus(Duration.ofHours(lateFileHours)), last);
      planned += planner.listRequests();
      // The files read for the hour itself (FileSelection.filesOf): named from its start to the lag after its end.
      gets += plan.files().stream().filter(f -> !f.fileTime().isBefore(hour.start()) && !f.fileTime().isAfter(last))
          .count();
    }
    Requests r = counting.requests(24, gets);
    if (r.lists() != planned) {
      throw TrailwatchException.of(ErrorCode.BUG, "The planner counted %d list requests, the client saw %d", planned,
          r.lists());
    }
    return r;
  }

  /**
   * Scales requests measured on {@code measuredAccounts} x {@code measuredRegions} accounts of one BU
   * to {@code org}: per BU run, per account, per account-region.
   */
  static Cost scale(Requests measured, long measuredAccounts, int measuredRegions, Organisation org,
      double listPricePer1000, double getPricePer1000) {
    double runs = measured.runs();
    double perBu = (measured.root() + measured.organisations()) / runs;
    double perAccount = measured.trails() / runs / measuredAccounts;
    double perAccountRegion = measured.dayFolders() / runs / measuredAccounts / measuredRegions;
    double getsPerAccountRegion = measured.gets() / runs / measuredAccounts / measuredRegions;
    double accountRegions = (double) org.accounts() * org.regions();
    double listsPerHour = perBu * org.businessUnits() + perAccount * org.accounts() + perAccountRegion * accountRegions;
    double getsPerHour = getsPerAccountRegion * accountRegions;
    return new Cost(listsPerHour, getsPerHour, listsPerHour * org.runsPerDay(), getsPerHour * org.runsPerDay(),
        listPricePer1000, getPricePer1000);
  }

  private static final Pattern ORG_FOLDER = Pattern.compile(".*AWSLogs/o-[a-z0-9]+/");
  private static final Pattern DAY_FOLDER = Pattern.compile(".*/\\d{4}/\\d{2}/\\d{2}/");

  /**
   * The planner's S3 client, counting each listing by what it lists. The planner's client sends
   * no retries of its own ({@code S3Clients.create(.., false)}): one call is one request.
   */
  private static final class Counting implements S3Client {
    private static final int ROOT = 0;
    private static final int ORGANISATION = 1;
    private static final int TRAIL = 2;
    private static final int DAY = 3;
    private final S3Client s3;
    private final AtomicLongArray counts = new AtomicLongArray(4);

    Counting(S3Client s3) {
      this.s3 = s3;
    }

    @Override
    public ListObjectsV2Response listObjectsV2(ListObjectsV2Request request) {
      String prefix = request.prefix() == null ? "" : request.prefix();
      int kind;
      if (prefix.endsWith("/CloudTrail/")) {
        kind = TRAIL;
      } else if (DAY_FOLDER.matcher(prefix).matches()) {
        kind = DAY;
      } else if (ORG_FOLDER.matcher(prefix).matches()) {
        kind = ORGANISATION;
      } else {
        kind = ROOT;
      }
      counts.incrementAndGet(kind);
      return s3.listObjectsV2(request);
    }

    Requests requests(long runs, long gets) {
      return new Requests(runs, counts.get(ROOT), counts.get(ORGANISATION), counts.get(TRAIL), counts.get(DAY), gets);
    }

    @Override
    public String serviceName() {
      return s3.serviceName();
    }

    @Override
    public void close() {
      // the caller's client: closed by the caller
    }
  }
}

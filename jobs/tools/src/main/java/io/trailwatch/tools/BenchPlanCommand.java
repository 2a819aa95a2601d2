package io.trailwatch.tools;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.aws.S3Clients;
import io.trailwatch.aws.S3Location;
import io.trailwatch.aws.S3LogPlanner;
import io.trailwatch.aws.S3Settings;
import io.trailwatch.config.IngestConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogFileName;
import io.trailwatch.ingest.LogPlanner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

@Command(name = "bench-plan", mixinStandardHelpOptions = true,
    description = {"Benchmark planning one hour on an S3-compatible server (not AWS): fills a bucket with one day of "
        + "small CloudTrail objects for many accounts and regions (organisation-trail layout, with digest files), "
        + "then plans one hour with the S3 planner and with a naive listing of the whole AWSLogs/ prefix, and "
        + "prints list requests and wall time of each. Then plans each hour of the day as detect runs do (late-file "
        + "lookback and delivery lag), counts the requests by kind, and prices them for an organisation of --org-accounts "
        + "x --org-regions (docs/listing-at-scale.md).",
        "Start the server yourself, e.g. moto_server -H 127.0.0.1 -p 5000, and give --endpoint or AWS_ENDPOINT_URL_S3."})
final class BenchPlanCommand implements Callable<Integer> {
  private static final List<String> REGIONS = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2",
      "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
      "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1");
  private static final String ORG = "o-benchorg0001";
  private static final String DAY = "2026-11-20";
  private static final String MANIFEST = "trailwatch-bench-plan.txt";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

  @Option(names = "--endpoint", paramLabel = "URL",
      description = "S3-compatible endpoint (default: AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL); never AWS itself")
  String endpoint;

  @Option(names = "--bucket", paramLabel = "NAME", description = "Bucket to fill and plan (default: ${DEFAULT-VALUE}); "
      + "reused as is when it already holds the same bench layout")
  String bucket = "trailwatch-bench";

  @Option(names = "--accounts", paramLabel = "N", description = "Accounts (default: ${DEFAULT-VALUE})")
  int accounts = 50;

  @Option(names = "--regions", paramLabel = "N", description = "Regions per account, 1-17 (default: ${DEFAULT-VALUE})")
  int regions = 17;

  @Option(names = "--files-per-day", paramLabel = "N",
      description = "Log files per account, region and day (default: ${DEFAULT-VALUE}, one every 5 minutes)")
  int filesPerDay = 288;

  @Option(names = "--hour", paramLabel = "HH", description = "UTC hour of " + DAY + " to plan (default: ${DEFAULT-VALUE})")
  int hour = 14;

  @Option(names = "--lag-minutes", paramLabel = "N", description = "Delivery lag after the hour (default: ${DEFAULT-VALUE})")
  int lagMinutes = 30;

  @Option(names = "--threads", paramLabel = "N", description = "Planner listing threads (default: ${DEFAULT-VALUE})")
  int threads = S3LogPlanner.DEFAULT_THREADS;

  @Option(names = "--upload-threads", paramLabel = "N", description = "Threads filling the bucket (default: ${DEFAULT-VALUE})")
  int uploadThreads = 16;

  @Option(names = "--repeat", paramLabel = "N", description = "Timed runs of each approach (default: ${DEFAULT-VALUE})")
  int repeat = 3;

  @Option(names = "--late-file-hours", paramLabel = "N",
      description = "Hours each run looks back for late files, as ingest.late-file-hours (default: ${DEFAULT-VALUE})")
  int lateFileHours = IngestConfig.defaults().lateFileHours();

  @Option(names = "--org-accounts", paramLabel = "N",
      description = "Accounts of the organisation to price the requests for (default: ${DEFAULT-VALUE})")
  long orgAccounts = 5000;

  @Option(names = "--org-regions", paramLabel = "N",
      description = "Regions with CloudTrail folders per account of that organisation (default: ${DEFAULT-VALUE})")
  int orgRegions = 17;

  @Option(names = "--org-bus", paramLabel = "N",
      description = "Business units, each with its own hourly run (default: ${DEFAULT-VALUE})")
  int orgBus = 10;

  @Option(names = "--runs-per-day", paramLabel = "N", description = "Runs a day of each BU (default: ${DEFAULT-VALUE})")
  int runsPerDay = 24;

  @Option(names = "--list-price", paramLabel = "USD",
      description = "Price of 1,000 LIST requests, S3 Standard (default: ${DEFAULT-VALUE})")
  double listPrice = 0.005;

  @Option(names = "--get-price", paramLabel = "USD",
      description = "Price of 1,000 GET requests, S3 Standard (default: ${DEFAULT-VALUE})")
  double getPrice = 0.0004;

  @Override
  public Integer call() throws Exception {
    S3Settings settings = S3Settings.fromEnvironment();
    if (endpoint != null) {
      settings = settings.withEndpoint(endpoint);
    }
    if (settings.endpoint() == null) {
      throw TrailwatchException.of(ErrorCode.NO_ENDPOINT, "Cannot run bench-plan against AWS itself: it fills a bucket. "
          + "Give --endpoint http://127.0.0.1:PORT (e.g. a moto_server) or set AWS_ENDPOINT_URL_S3");
    }
    check("--accounts", accounts, 1, 9999);
    check("--regions", regions, 1, REGIONS.size());
    check("--files-per-day", filesPerDay, 1, 1440);
    check("--hour", hour, 0, 23);
    check("--repeat", repeat, 1, 100);
    check("--late-file-hours", lateFileHours, 0, 72);
    check("--lag-minutes", lagMinutes, 0, 24 * 60);
    check("--org-regions", orgRegions, 1, 40);
    check("--org-bus", orgBus, 1, 10_000);
    check("--runs-per-day", runsPerDay, 1, 24);
    if (orgAccounts < 1 || orgAccounts > 1_000_000) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot set --org-accounts to %d: must be between 1 "
          + "and 1000000", orgAccounts);
    }
    if (!(listPrice >= 0) || !(getPrice >= 0)) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot set --list-price or --get-price below 0");
    }
    S3Location.parse("--bucket", "s3://" + bucket);
    List<Account> accts = new ArrayList<>();
    for (int i = 0; i < accounts; i++) {
      accts.add(new Account(String.format("2000%08d", i + 1), "bench-" + (i + 1), "bench"));
    }
    Hour h = Hour.parse("--hour", DAY + "T" + String.format("%02d", hour));
    Instant to = h.end().plus(Duration.ofMinutes(lagMinutes));

    try (S3Client s3 = S3Clients.create(settings, Math.max(uploadThreads, threads), false)) {
      long objects = fill(s3, accts);
      System.out.printf("bucket s3://%s at %s: %d accounts x %d regions x %d files/day (+ %d digests/day), "
          + "organisation-trail layout, %,d objects; planning hour %s with %d min lag%n",
          bucket, settings.endpoint(), accounts, regions, filesPerDay, 24, objects, h, lagMinutes);
      List<String> plannerFiles = null;
      List<String> naiveFiles = null;
      for (int run = 1; run <= repeat; run++) {
        S3LogPlanner planner = new S3LogPlanner(s3, S3Location.parse("--bucket", "s3://" + bucket), threads,
            S3LogPlanner.MAX_PAGE_SIZE);
        long t0 = System.nanoTime();
        LogPlanner.Plan plan = planner.plan(accts, h.start(), to);
        double ps = (System.nanoTime() - t0) / 1e9;
        plannerFiles = plan.files().stream().map(LogFile::uri).sorted().toList();
        AtomicLong naiveRequests = new AtomicLong();
        t0 = System.nanoTime();
        naiveFiles = naive(s3, accts, h.start(), to, naiveRequests);
        double ns = (System.nanoTime() - t0) / 1e9;
        System.out.printf("run %d  planner: %,6d list requests %8.2f s %,7d files   naive: %,6d list requests %8.2f s "
            + "%,7d files%n", run, planner.listRequests(), ps, plannerFiles.size(), naiveRequests.get(), ns,
            naiveFiles.size());
      }
      boolean same = plannerFiles.equals(naiveFiles);
      System.out.println(same ? "both found the same files" : "MISMATCH: the planner and the naive listing differ");
      System.out.println("note: the naive listing grows with the bucket's history (every day kept is listed again); "
          + "the planner's requests do not.");
      printCost(ListingCost.measure(s3, S3Location.parse("--bucket", "s3://" + bucket), accts,
          Instant.parse(DAY + "T00:00:00Z"), Duration.ofMinutes(lagMinutes), lateFileHours, threads));
      return same ? 0 : 1;
    }
  }

  /** The measured requests of the 24 runs, then the organisation's requests a run, a day and a year, priced. */
  private void printCost(ListingCost.Requests m) {
    System.out.printf("requests of 24 hourly runs of the planner (late-file lookback %d h, lag %d min), %d accounts x %d "
        + "regions: LIST %,d (AWSLogs/ %,d, organisation %,d, trail regions %,d, day folders %,d), GET %,d (files read "
        + "for the run's own hour)%n", lateFileHours, lagMinutes, accounts, regions, m.lists(), m.root(),
        m.organisations(), m.trails(), m.dayFolders(), m.gets());
    ListingCost.Cost c = ListingCost.scale(m, accounts, regions,
        new ListingCost.Organisation(orgAccounts, orgRegions, orgBus, runsPerDay), listPrice, getPrice);
    System.out.printf("scaled to %,d accounts x %d regions, %d BUs, %d runs a day per BU "
        + "(LIST $%s, GET $%s per 1,000):%n", orgAccounts, orgRegions, orgBus, runsPerDay, listPrice, getPrice);
    System.out.printf("  %-14s %16s %16s %12s %12s %12s%n", "", "LIST", "GET", "LIST $", "GET $", "total $");
    row("per hour", c.listsPerHour(), c.getsPerHour(), c);
    row("per day", c.listsPerDay(), c.getsPerDay(), c);
    row("per year", c.listsPerYear(), c.getsPerYear(), c);
  }

  private static void row(String name, double lists, double gets, ListingCost.Cost c) {
    double l = ListingCost.Cost.price(lists, c.listPricePer1000());
    double g = ListingCost.Cost.price(gets, c.getPricePer1000());
    System.out.printf("  %-14s %,16.0f %,16.0f %,12.2f %,12.2f %,12.2f%n", name, lists, gets, l, g, l + g);
  }

  /** Lists every key under AWSLogs/ (no delimiter) and keeps the wanted accounts' log files in the window. */
  private List<String> naive(S3Client s3, List<Account> accts, Instant from, Instant to, AtomicLong requests) {
    Map<String, Account> byId = new HashMap<>();
    accts.forEach(a -> byId.put(a.id(), a));
    List<String> out = new ArrayList<>();
    String token = null;
    do {
      String t = token;
      requests.incrementAndGet();
      ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix("AWSLogs/").continuationToken(t));
      for (S3Object o : page.contents()) {
        String key = o.key();
        if (!key.contains("/CloudTrail/")) {
          continue;
        }
        Optional<LogFileName> n = LogFileName.parse(key.substring(key.lastIndexOf('/') + 1));
        if (n.isPresent() && byId.containsKey(n.get().accountId()) && !n.get().time().isBefore(from)
            && !n.get().time().isAfter(to)) {
          out.add(S3Location.uri(bucket, key));
        }
      }
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    out.sort(null);
    return out;
  }

  /** Fills the bucket unless it already holds this layout; returns the number of objects. */
  private long fill(S3Client s3, List<Account> accts) throws InterruptedException {
    String layout = "accounts=" + accounts + " regions=" + regions + " files-per-day=" + filesPerDay + " day=" + DAY
        + " org=" + ORG + "\n";
    long objects = (long) accounts * regions * (filesPerDay + 24);
    if (!s3.listBuckets().buckets().stream().anyMatch(b -> b.name().equals(bucket))) {
      s3.createBucket(b -> b.bucket(bucket));
    } else {
      try {
        String have = s3.getObjectAsBytes(b -> b.bucket(bucket).key(MANIFEST)).asUtf8String();
        if (have.equals(layout)) {
          System.out.println("reusing the filled bucket s3://" + bucket);
          return objects;
        }
      } catch (NoSuchKeyException e) {
        // not a bench bucket yet, or not finished: fill it
      }
      throw TrailwatchException.of(ErrorCode.BENCH_BUCKET_IN_USE, "Cannot fill --bucket %s: it exists and does not hold "
          + "this bench layout; pick another --bucket", bucket);
    }
    byte[] empty = gzip("{\"Records\":[]}");
    byte[] digest = gzip("{\"awsAccountId\":\"000000000000\"}");
    int minutes = 1440 / filesPerDay;
    Instant day = Instant.parse(DAY + "T00:00:00Z");
    ExecutorService pool = Executors.newFixedThreadPool(uploadThreads);
    long t0 = System.nanoTime();
    AtomicLong done = new AtomicLong();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Account a : accts) {
        for (String region : REGIONS.subList(0, regions)) {
          futures.add(pool.submit(() -> {
            String base = "AWSLogs/" + ORG + "/" + a.id() + "/";
            String dayPath = DAY.replace('-', '/') + "/";
            for (int i = 0; i < filesPerDay; i++) {
              Instant t = day.plus(Duration.ofMinutes((long) i * minutes));
              String key = base + "CloudTrail/" + region + "/" + dayPath + a.id() + "_CloudTrail_" + region + "_"
                  + STAMP.format(t) + "_" + Integer.toHexString(31 * i + region.hashCode() & 0xfffff) + "Ab.json.gz";
              s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(empty));
            }
            for (int hh = 0; hh < 24; hh++) {
              Instant t = day.plus(Duration.ofHours(hh));
              String key = base + "CloudTrail-Digest/" + region + "/" + dayPath + a.id() + "_CloudTrail-Digest_" + region
                  + "_org-trail_" + region + "_" + STAMP.format(t).replace("Z", "00Z") + ".json.gz";
              s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(digest));
            }
            long n = done.addAndGet(filesPerDay + 24);
            if (n % 20_000 < filesPerDay + 24) {
              System.err.printf("  filled %,d of %,d objects (%.0f s)%n", n, objects, (System.nanoTime() - t0) / 1e9);
            }
            return null;
          }));
        }
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw TrailwatchException.wrap(ErrorCode.BENCH_FILL_FAILED, e.getCause(), "Cannot fill s3://%s: %s", bucket,
          e.getCause().getMessage());
    } finally {
      pool.shutdownNow();
    }
    s3.putObject(b -> b.bucket(bucket).key(MANIFEST), RequestBody.fromString(layout));
    System.err.printf("filled s3://%s with %,d objects in %.0f s%n", bucket, objects, (System.nanoTime() - t0) / 1e9);
    return objects;
  }

  private static byte[] gzip(String s) {
    try {
      ByteArrayOutputStream bos = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
        gz.write(s.getBytes(StandardCharsets.UTF_8));
      }
      return bos.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void check(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw TrailwatchException.of(ErrorCode.BAD_BENCH_OPTION, "Cannot set %s to %d: must be between %d and %d", option,
          value, min, max);
    }
  }
}

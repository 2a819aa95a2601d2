package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.accounts.Account;
import io.trailwatch.ingest.LogFile;
import io.trailwatch.ingest.LogFileName;
import io.trailwatch.ingest.LogPlanner;
import io.trailwatch.ingest.QuarantineEntry;
import io.trailwatch.core.QuarantineReason;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Plans CloudTrail files in {@code s3://bucket[/prefix]} by listing only what a window needs:
 * one delimiter listing of {@code AWSLogs/} (accounts and organisation ids), one per
 * organisation (its accounts), one per trail folder of each wanted account (its regions), and
 * one per region and day folder that can hold the window. Listings run in parallel on a
 * bounded pool, page through results, and retry throttling with backoff. Digest and Insight
 * folders sit beside {@code CloudTrail/} and are never listed.
 */
public final class S3LogPlanner implements LogPlanner, AutoCloseable {
  public static final int DEFAULT_THREADS = 16;
  /** The most keys S3 returns in one page. */
  public static final int MAX_PAGE_SIZE = 1000;

  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final Pattern ORG_ID = Pattern.compile("o-[a-z0-9]{10,32}");
  private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

  private final S3Client s3;
  private final boolean ownsClient;
  private final S3Location where;
  private final int threads;
  private final int pageSize;
  private final Retrying retrying;
  private final AtomicLong listRequests = new AtomicLong();

  /**
   * @param s3 a client whose own retries are off ({@link S3Clients#create} with sdkRetries false):
   *     this planner retries, and counts every request
   * @param threads listings in flight at once
   * @param pageSize keys per listing page, at most 1000 (smaller only to exercise paging)
   */
  public S3LogPlanner(S3Client s3, S3Location where, int threads, int pageSize) {
    this(s3, false, where, threads, pageSize, Retrying.standard());
  }

  S3LogPlanner(S3Client s3, boolean ownsClient, S3Location where, int threads, int pageSize, Retrying retrying) {
    if (threads < 1 || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException("threads must be >= 1 and pageSize in 1.." + MAX_PAGE_SIZE);
    }
    this.s3 = s3;
    this.ownsClient = ownsClient;
    this.where = where;
    this.threads = threads;
    this.pageSize = pageSize;
    this.retrying = retrying;
  }

  /** A planner for {@code --logs s3://bucket[/prefix]} with its own client. */
  public static S3LogPlanner create(String uri, S3Settings settings) {
    S3Location loc = S3Location.parse("--logs", uri);
    return new S3LogPlanner(S3Clients.create(settings, DEFAULT_THREADS, false), true, loc, DEFAULT_THREADS,
        MAX_PAGE_SIZE, Retrying.standard());
  }

  /** List requests sent so far (each page and each retry counts one). */
  public long listRequests() {
    return listRequests.get();
  }

  @Override
  public String describe() {
    return where.toString();
  }

  @Override
  public void close() {
    if (ownsClient) {
      s3.close();
    }
  }

  @Override
  public Plan plan(List<Account> accounts, Instant fileTimeFrom, Instant fileTimeTo) {
    String awsLogs = where.prefix().endsWith("AWSLogs/") ? where.prefix() : where.prefix() + "AWSLogs/";
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
    try {
      Listing top = list(awsLogs, true);
      if (top.prefixes().isEmpty() && top.objects().isEmpty()) {
        throw TrailwatchException.of(ErrorCode.LOGS_NOT_CLOUDTRAIL,
            "Cannot read --logs %s: nothing under %s (expected the layout AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/)",
            where, where.uri(awsLogs));
      }
      Set<String> direct = new HashSet<>();
      List<String> orgs = new ArrayList<>();
      for (String p : top.prefixes()) {
        String name = lastSegment(p);
        if (ACCOUNT_ID.matcher(name).matches()) {
          direct.add(name);
        } else if (ORG_ID.matcher(name).matches()) {
          orgs.add(p);
        }
      }
      // Which accounts each organisation trail holds: one listing per organisation, not one per account.
      List<Set<String>> orgAccounts = parallel(pool, orgs, org -> {
        Set<String> ids = new HashSet<>();
        list(org, true).prefixes().forEach(p -> ids.add(lastSegment(p)));
        return ids;
      });

      List<Trail> trails = new ArrayList<>();
      for (Account a : accounts) {
        if (direct.contains(a.id())) {
          trails.add(new Trail(a, awsLogs + a.id() + "/CloudTrail/"));
        }
        for (int i = 0; i < orgs.size(); i++) {
          if (orgAccounts.get(i).contains(a.id())) {
            trails.add(new Trail(a, orgs.get(i) + a.id() + "/CloudTrail/"));
          }
        }
      }
      // Regions come from the bucket: the trailing slash keeps CloudTrail-Digest/ and CloudTrail-Insight/ out.
      List<List<String>> regions = parallel(pool, trails, t -> list(t.prefix(), true).prefixes().stream()
          .map(S3LogPlanner::lastSegment).filter(r -> REGION.matcher(r).matches()).toList());

      List<DayFolder> days = new ArrayList<>();
      for (int i = 0; i < trails.size(); i++) {
        for (String region : regions.get(i)) {
          for (LocalDate d = day(fileTimeFrom); !d.isAfter(day(fileTimeTo)); d = d.plusDays(1)) {
            days.add(new DayFolder(trails.get(i).account(), region, trails.get(i).prefix() + region + "/"
                + String.format("%04d/%02d/%02d/", d.getYear(), d.getMonthValue(), d.getDayOfMonth())));
          }
        }
      }
      List<Plan> parts = parallel(pool, days, d -> planDay(d, fileTimeFrom, fileTimeTo));
      List<LogFile> files = new ArrayList<>();
      List<QuarantineEntry> rejected = new ArrayList<>();
      for (Plan p : parts) {
        files.addAll(p.files());
        rejected.addAll(p.rejected());
      }
      files.sort(Comparator.comparing(LogFile::uri));
      rejected.sort(Comparator.comparing(QuarantineEntry::source));
      return new Plan(List.copyOf(files), List.copyOf(rejected));
    } finally {
      pool.shutdownNow();
    }
  }

  private Plan planDay(DayFolder d, Instant from, Instant to) {
    List<LogFile> files = new ArrayList<>();
    List<QuarantineEntry> rejected = new ArrayList<>();
    Account account = d.account();
    for (S3Object o : list(d.prefix(), true).objects()) {
      String uri = where.uri(o.key());
      Optional<LogFileName> parsed = LogFileName.parse(lastSegment(o.key()));
      if (parsed.isEmpty() || !parsed.get().accountId().equals(account.id())
          || !parsed.get().region().equals(d.region())) {
        rejected.add(new QuarantineEntry(uri, QuarantineEntry.WHOLE_FILE, null, QuarantineReason.UNEXPECTED_FILE_NAME,
            "not a CloudTrail log file name for account " + account.id() + " in " + d.region(),
            account.businessUnit(), account.id()));
        continue;
      }
      Instant t = parsed.get().time();
      if (!t.isBefore(from) && !t.isAfter(to)) {
        files.add(new LogFile(uri, account.id(), account.businessUnit(), d.region(), t,
            o.size() == null ? 0 : o.size()));
      }
    }
    return new Plan(files, rejected);
  }

  private record Trail(Account account, String prefix) {}

  private record DayFolder(Account account, String region, String prefix) {}

  /** What one listing (all its pages) returned: common prefixes and the objects directly under it. */
  record Listing(List<String> prefixes, List<S3Object> objects) {}

  /** Lists everything under {@code prefix}, page after page; with a delimiter, sub-folders come back as prefixes. */
  Listing list(String prefix, boolean delimited) {
    List<String> prefixes = new ArrayList<>();
    List<S3Object> objects = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(where.bucket()).prefix(prefix)
          .maxKeys(pageSize).continuationToken(token);
      if (delimited) {
        req.delimiter("/");
      }
      ListObjectsV2Request request = req.build();
      ListObjectsV2Response page = call(prefix, () -> {
        listRequests.incrementAndGet();
        return s3.listObjectsV2(request);
      });
      for (CommonPrefix p : page.commonPrefixes()) {
        prefixes.add(p.prefix());
      }
      objects.addAll(page.contents());
      token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
    } while (token != null);
    return new Listing(prefixes, objects);
  }

  /** One call with retries; failures become errors that name the s3:// location (never a credential). */
  private <T> T call(String prefix, java.util.function.Supplier<T> op) {
    String uri = where.uri(prefix);
    try {
      return retrying.call(op);
    } catch (NoSuchBucketException e) {
      throw TrailwatchException.of(ErrorCode.LOGS_NOT_FOUND, "Cannot list %s: no such bucket", uri);
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (e.statusCode() == 403) {
        throw TrailwatchException.wrap(ErrorCode.LOGS_ACCESS_DENIED, e, "Cannot list %s: access denied (403 %s)", uri,
            code);
      }
      throw TrailwatchException.wrap(ErrorCode.LOGS_NOT_READABLE, e, "Cannot list %s: S3 answered %d %s", uri,
          e.statusCode(), code);
    } catch (SdkClientException e) {
      throw TrailwatchException.wrap(ErrorCode.LOGS_NOT_READABLE, e, "Cannot list %s: %s", uri, e.getMessage());
    } catch (SdkException e) {
      throw TrailwatchException.wrap(ErrorCode.LOGS_NOT_READABLE, e, "Cannot list %s: %s", uri, e.getMessage());
    }
  }

  /** Runs {@code f} over {@code items} on the pool; results in the order of the items; the first failure is thrown. */
  private static <T, R> List<R> parallel(ExecutorService pool, List<T> items, Function<T, R> f) {
    List<Future<R>> futures = new ArrayList<>(items.size());
    for (T item : items) {
      futures.add(pool.submit(() -> f.apply(item)));
    }
    List<R> out = new ArrayList<>(items.size());
    try {
      for (Future<R> fu : futures) {
        out.add(fu.get());
      }
    } catch (ExecutionException e) {
      futures.forEach(fu -> fu.cancel(true));
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw TrailwatchException.wrap(ErrorCode.BUG, e.getCause(), "Listing failed: %s", e.getCause());
    } catch (InterruptedException e) {
      futures.forEach(fu -> fu.cancel(true));
      Thread.currentThread().interrupt();
      throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, e, "Interrupted while listing the log bucket");
    }
    return out;
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "trailwatch-s3-list-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The last path segment of a key or prefix ({@code a/b/c/} gives {@code c}). */
  static String lastSegment(String keyOrPrefix) {
    String s = keyOrPrefix.endsWith("/") ? keyOrPrefix.substring(0, keyOrPrefix.length() - 1) : keyOrPrefix;
    return s.substring(s.lastIndexOf('/') + 1);
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }
}

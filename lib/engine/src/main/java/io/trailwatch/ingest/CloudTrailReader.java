package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import io.trailwatch.core.Window;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads planned CloudTrail files into {@link EventSchema#EVENTS} rows, a Spark task per group
 * of files, with the streaming {@link RecordParser}. What was read and what was rejected is
 * counted in accumulators, filled once the events have been computed: see {@link Read#stats()}.
 */
public final class CloudTrailReader {
  private CloudTrailReader() {}

  /** Files, bytes (as stored) and records read so far ({@link Read#soFar}). */
  public record ReadCount(long files, long bytes, long records) {}

  /** Counts of one read. {@code inWindow} includes duplicates; {@code bytes} as stored (compressed). */
  public record ReadStats(long files, long bytes, long records, long inWindow, long quarantinedRecords,
      long quarantinedFiles, List<QuarantineEntry> quarantine) {}

  /**
   * A planned read: nothing is read until {@link #events()} or {@link #perAccount} is computed.
   * Each task reads whole accounts (every file of an account is in one task), so anything keyed by
   * account, such as dropping redelivered events, is exact within a task.
   */
  public static final class Read {
    private final SparkSession spark;
    private final JavaRDD<List<LogFile>> groups;
    private final Window window;
    private final ParserSettings settings;
    private final LogOpener opener;
    private final Counters counters;
    private final boolean ledger;

    Read(SparkSession spark, JavaRDD<List<LogFile>> groups, Window window, ParserSettings settings, LogOpener opener,
        Counters counters, boolean ledger) {
      this.spark = spark;
      this.groups = groups;
      this.window = window;
      this.settings = settings;
      this.opener = opener;
      this.counters = counters;
      this.ledger = ledger;
    }

    /** The same read, counting (or not) what each account-region's files held: {@link #coverage()}. */
    public Read ledger(boolean on) {
      return new Read(spark, groups, window, settings, opener, counters, on);
    }

    public SparkSession spark() {
      return spark;
    }

    /**
     * Feeds each account's events (in file order) to a fresh reducer from {@code factory} and
     * returns what the reducers emit, one account at a time per task: no event leaves its task.
     */
    public <T> JavaRDD<T> perAccount(AccountReducer.Factory<T> factory) {
      Window w = window;
      ParserSettings ps = settings;
      LogOpener op = opener;
      Counters c = counters;
      boolean tally = ledger;
      return groups.mapPartitions(it -> new AccountOutputs<>(it, w, ps, op, c, factory, tally));
    }

    /**
     * What each account-region's files held, one {@link TrailRead} per account-region, ordered by
     * account and region; valid after one action has computed the events, as {@link #stats()}.
     * Empty when the ledger is off.
     */
    public List<TrailRead> coverage() {
      return counters.coverage();
    }

    /** Valid after one action has computed the events (cache the result: each recomputation counts again). */
    public ReadStats stats() {
      return counters.stats();
    }

    /** What the finished tasks have read so far, while an action runs: for progress lines. */
    public ReadCount soFar() {
      return new ReadCount(counters.files.value(), counters.bytes.value(), counters.records.value());
    }
  }

  /** Accumulators, shipped to the executors with the parse function. */
  public static final class Counters implements Serializable {
    final LongAccumulator files;
    final LongAccumulator bytes;
    final LongAccumulator records;
    final LongAccumulator inWindow;
    final LongAccumulator quarantinedRecords;
    final LongAccumulator quarantinedFiles;
    final CollectionAccumulator<QuarantineEntry> quarantine;
    final CollectionAccumulator<TrailRead> coverage;

    Counters(SparkSession spark) {
      var sc = spark.sparkContext();
      files = sc.longAccumulator("trailwatch.files");
      bytes = sc.longAccumulator("trailwatch.bytes");
      records = sc.longAccumulator("trailwatch.records");
      inWindow = sc.longAccumulator("trailwatch.inWindow");
      quarantinedRecords = sc.longAccumulator("trailwatch.quarantinedRecords");
      quarantinedFiles = sc.longAccumulator("trailwatch.quarantinedFiles");
      quarantine = sc.collectionAccumulator("trailwatch.quarantine");
      coverage = sc.collectionAccumulator("trailwatch.coverage");
    }

    List<TrailRead> coverage() {
      // A retried task reports its accounts again, with the same counts: keep one per account-region.
      Map<String, TrailRead> unique = new TreeMap<>();
      for (TrailRead t : new ArrayList<>(coverage.value())) {
        unique.put(t.accountId() + "/" + t.region(), t);
      }
      return List.copyOf(unique.values());
    }

    ReadStats stats() {
      // A retried task reports its entries again: keep one of each, in a stable order.
      List<QuarantineEntry> unique = new ArrayList<>(quarantine.value()).stream().distinct()
          .sorted(Comparator.comparing(QuarantineEntry::source).thenComparingLong(QuarantineEntry::recordIndex)
              .thenComparing(QuarantineEntry::reason))
          .toList();
      return new ReadStats(files.value(), bytes.value(), records.value(), inWindow.value(),
          quarantinedRecords.value(), quarantinedFiles.value(), unique);
    }
  }

  /**
   * The library that inflates gzip files under {@code settings} in this JVM ("libdeflate", or
   * "zlib (why)"); throws when the settings demand libdeflate and it does not load. Executors
   * started with other JVM options may differ: each falls back to zlib on its own.
   */
  public static String gunzipLibrary(ParserSettings settings) {
    Gunzip.require(settings.gunzip());
    return Gunzip.describe(settings.gunzip());
  }

  /** Read tasks per core, at most: whole accounts are never split, so fewer when there are fewer accounts. */
  static final int TASKS_PER_CORE = 16;

  public static Read read(SparkSession spark, List<LogFile> files, Window window, ParserSettings settings,
      LogOpener opener) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Many short tasks rather than one per core: the run's small state jobs, which share the cores
    // with the read (see Sparks), get a free slot within a task's time, and a slow account evens out.
    List<List<LogFile>> groups = balance(files, Math.max(1, jsc.defaultParallelism() * TASKS_PER_CORE));
    Counters counters = new Counters(spark);
    // One partition per group: Spark hands each task exactly the files balance() put together. The
    // file lists go to the executors once, as a broadcast; a task carries only its group's index
    // (days of history name hundreds of thousands of files: megabytes in every task otherwise).
    org.apache.spark.broadcast.Broadcast<List<List<LogFile>>> all = jsc.broadcast(groups);
    List<Integer> indices = java.util.stream.IntStream.range(0, groups.size()).boxed().toList();
    JavaRDD<List<LogFile>> rdd = jsc.parallelize(indices, Math.max(1, groups.size())).map(i -> all.value().get(i));
    return new Read(spark, rdd, window, settings, opener, counters, false);
  }

  /**
   * Deals whole accounts, largest first, to the group with the fewest bytes so far, so that tasks
   * finish together; within a group, files are ordered by account, then by URI (region, then time
   * of delivery). An account is never split: a redelivered event sits in a later file of the same
   * account, so one task sees every copy of it.
   */
  static List<List<LogFile>> balance(List<LogFile> files, int maxGroups) {
    Map<String, List<LogFile>> byAccount = new TreeMap<>();
    for (LogFile f : files) {
      byAccount.computeIfAbsent(f.accountId(), k -> new ArrayList<>()).add(f);
    }
    List<List<LogFile>> accounts = new ArrayList<>(byAccount.values());
    accounts.sort(Comparator.comparingLong(CloudTrailReader::bytes).reversed()
        .thenComparing(a -> a.get(0).accountId()));
    int n = Math.min(maxGroups, Math.max(1, accounts.size()));
    List<List<LogFile>> groups = new ArrayList<>(n);
    long[] load = new long[n];
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    for (List<LogFile> account : accounts) {
      int best = 0;
      for (int i = 1; i < n; i++) {
        if (load[i] < load[best]) {
          best = i;
        }
      }
      groups.get(best).addAll(account);
      load[best] += bytes(account);
    }
    groups.removeIf(List::isEmpty);
    for (List<LogFile> g : groups) {
      g.sort(Comparator.comparing(LogFile::accountId).thenComparing(LogFile::uri));
    }
    return groups;
  }

  private static long bytes(List<LogFile> files) {
    long n = 0;
    for (LogFile f : files) {
      n += Math.max(1, f.size());
    }
    return n;
  }

  /** Parses one file into {@code sink}, counting it; a file that cannot even be opened is quarantined. */
  static void readOne(LogFile file, RecordParser parser, Window window, LogOpener opener, Counters counters,
      java.util.function.Consumer<ParsedEvent> events) {
    counters.files.add(1);
    RecordParser.Sink sink = new RecordParser.Sink() {
      @Override
      public void event(ParsedEvent e) {
        events.accept(e);
      }

      @Override
      public void quarantine(QuarantineEntry entry) {
        counters.quarantine.add(entry);
      }
    };
    RecordParser.Counts c;
    try (InputStream in = new CountingInputStream(opener.open(file.uri()), counters.bytes)) {
      c = parser.parse(in, file, window, sink);
    } catch (IOException | RuntimeException e) {
      // Could not even open it (gone, access denied): the file is quarantined, the run goes on.
      counters.quarantine.add(new QuarantineEntry(file.uri(), QuarantineEntry.WHOLE_FILE, null, QuarantineReason.READ_ERROR,
          e.getClass().getSimpleName() + ": " + RecordParser.clean(String.valueOf(e.getMessage()), 300),
          file.businessUnit(), file.accountId()));
      counters.quarantinedFiles.add(1);
      return;
    }
    counters.records.add(c.records());
    counters.inWindow.add(c.inWindow());
    counters.quarantinedRecords.add(c.quarantinedRecords());
    if (c.fileQuarantined()) {
      counters.quarantinedFiles.add(1);
    }
  }

  /** What a task's reducer emits, one account at a time. */
  private static final class AccountOutputs<T> implements Iterator<T> {
    private final Iterator<LogFile> files;
    private final Window window;
    private final RecordParser parser;
    private final LogOpener opener;
    private final Counters counters;
    private final AccountReducer<T> reducer;
    private final TrailTally tally;
    private final ArrayDeque<T> buffer = new ArrayDeque<>();
    private LogFile pending;

    AccountOutputs(Iterator<List<LogFile>> groups, Window window, ParserSettings settings, LogOpener opener,
        Counters counters, AccountReducer.Factory<T> factory, boolean ledger) {
      List<LogFile> all = new ArrayList<>();
      groups.forEachRemaining(all::addAll);
      this.files = all.iterator();
      this.window = window;
      this.parser = new RecordParser(settings);
      this.opener = opener;
      this.counters = counters;
      this.reducer = factory.create();
      this.tally = ledger ? new TrailTally() : null;
      this.pending = files.hasNext() ? files.next() : null;
    }

    @Override
    public boolean hasNext() {
      while (buffer.isEmpty() && pending != null) {
        String account = pending.accountId();
        while (pending != null && pending.accountId().equals(account)) {
          reducer.file(pending);
          if (tally == null) {
            readOne(pending, parser, window, opener, counters, reducer::event);
          } else {
            tally.file(pending);
            readOne(pending, parser, window, opener, counters, e -> {
              tally.event(e);
              reducer.event(e);
            });
          }
          pending = files.hasNext() ? files.next() : null;
        }
        reducer.finish(buffer::add);
        if (tally != null) {
          tally.finish(counters.coverage::add);
        }
      }
      return !buffer.isEmpty();
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffer.poll();
    }
  }

  /** Counts the bytes read (as stored) into an accumulator on close. */
  private static final class CountingInputStream extends java.io.FilterInputStream {
    private final LongAccumulator sink;
    private long n;

    CountingInputStream(InputStream in, LongAccumulator sink) {
      super(in);
      this.sink = sink;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        n++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int r = super.read(b, off, len);
      if (r > 0) {
        n += r;
      }
      return r;
    }

    @Override
    public void close() throws IOException {
      sink.add(n);
      n = 0;
      super.close();
    }
  }
}

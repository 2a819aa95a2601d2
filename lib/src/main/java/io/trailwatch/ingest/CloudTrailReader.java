package io.trailwatch.ingest;

import io.trailwatch.core.Window;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericRow;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Reads planned CloudTrail files into {@link EventSchema#EVENTS} rows, a Spark task per group
 * of files, with the streaming {@link RecordParser}. What was read and what was rejected is
 * counted in accumulators, filled once the events have been computed: see {@link Read#stats()}.
 */
public final class CloudTrailReader {
  private CloudTrailReader() {}

  /** Counts of one read. {@code inWindow} includes duplicates; {@code bytes} as stored (compressed). */
  public record ReadStats(long files, long bytes, long records, long inWindow, long quarantinedRecords,
      long quarantinedFiles, List<QuarantineEntry> quarantine) {}

  /** The events of a read, and its counters. */
  public record Read(Dataset<Row> events, Counters counters) {
    /** Valid after one action has computed {@link #events()} (cache it: each recomputation counts again). */
    public ReadStats stats() {
      return counters.stats();
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

    Counters(SparkSession spark) {
      var sc = spark.sparkContext();
      files = sc.longAccumulator("trailwatch.files");
      bytes = sc.longAccumulator("trailwatch.bytes");
      records = sc.longAccumulator("trailwatch.records");
      inWindow = sc.longAccumulator("trailwatch.inWindow");
      quarantinedRecords = sc.longAccumulator("trailwatch.quarantinedRecords");
      quarantinedFiles = sc.longAccumulator("trailwatch.quarantinedFiles");
      quarantine = sc.collectionAccumulator("trailwatch.quarantine");
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

  public static Read read(SparkSession spark, List<LogFile> files, Window window, ParserSettings settings,
      LogOpener opener) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<List<LogFile>> groups = balance(files, Math.max(1, jsc.defaultParallelism() * 4));
    Counters counters = new Counters(spark);
    JavaRDD<Row> rows = jsc.parallelize(groups, Math.max(1, groups.size()))
        .mapPartitions(it -> new FileRows(it, window, settings, opener, counters));
    return new Read(spark.createDataFrame(rows, EventSchema.EVENTS), counters);
  }

  /** Deals files, largest first, to the group with the fewest bytes so far, so that tasks finish together. */
  static List<List<LogFile>> balance(List<LogFile> files, int maxGroups) {
    int n = Math.min(maxGroups, Math.max(1, files.size()));
    List<List<LogFile>> groups = new ArrayList<>(n);
    long[] load = new long[n];
    for (int i = 0; i < n; i++) {
      groups.add(new ArrayList<>());
    }
    List<LogFile> sorted = new ArrayList<>(files);
    sorted.sort(Comparator.comparingLong(LogFile::size).reversed().thenComparing(LogFile::uri));
    for (LogFile f : sorted) {
      int best = 0;
      for (int i = 1; i < n; i++) {
        if (load[i] < load[best]) {
          best = i;
        }
      }
      groups.get(best).add(f);
      load[best] += Math.max(1, f.size());
    }
    groups.removeIf(List::isEmpty);
    return groups;
  }

  /** Rows of a task's files, parsed one file at a time. */
  private static final class FileRows implements Iterator<Row> {
    private final Iterator<LogFile> files;
    private final Window window;
    private final RecordParser parser;
    private final LogOpener opener;
    private final Counters counters;
    private final ArrayDeque<Row> buffer = new ArrayDeque<>();

    FileRows(Iterator<List<LogFile>> groups, Window window, ParserSettings settings, LogOpener opener,
        Counters counters) {
      List<LogFile> all = new ArrayList<>();
      groups.forEachRemaining(all::addAll);
      this.files = all.iterator();
      this.window = window;
      this.parser = new RecordParser(settings);
      this.opener = opener;
      this.counters = counters;
    }

    @Override
    public boolean hasNext() {
      while (buffer.isEmpty() && files.hasNext()) {
        readOne(files.next());
      }
      return !buffer.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return buffer.poll();
    }

    private void readOne(LogFile file) {
      counters.files.add(1);
      RecordParser.Sink sink = new RecordParser.Sink() {
        @Override
        public void event(Object[] values) {
          buffer.add(new GenericRow(values));
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
        counters.quarantine.add(new QuarantineEntry(file.uri(), QuarantineEntry.WHOLE_FILE, null, Reasons.READ_ERROR,
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

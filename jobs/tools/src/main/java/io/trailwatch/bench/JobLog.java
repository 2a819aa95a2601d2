package io.trailwatch.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** Spark jobs with their call site and duration, for finding where a run's time goes ({@code bench --jobs}). */
public final class JobLog extends SparkListener {
  private final Map<Integer, long[]> starts = new ConcurrentHashMap<>();
  private final Map<Integer, String> sites = new ConcurrentHashMap<>();
  private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
  private final long t0 = System.currentTimeMillis();

  public static JobLog attach(SparkSession spark) {
    JobLog l = new JobLog();
    spark.sparkContext().addSparkListener(l);
    return l;
  }

  private final Map<Integer, String> descriptions = new ConcurrentHashMap<>();
  private final List<Map.Entry<String, Double>> durations = java.util.Collections.synchronizedList(new ArrayList<>());

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    starts.put(e.jobId(), new long[] {e.time(), e.stageIds().size()});
    String description = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
    descriptions.put(e.jobId(), description == null ? "" : description);
    StringBuilder names = new StringBuilder();
    for (var st : scala.collection.JavaConverters.seqAsJavaList(e.stageInfos())) {
      names.append(names.length() == 0 ? "" : " / ").append(st.name());
    }
    sites.put(e.jobId(), names.toString());
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd e) {
    long[] s = starts.remove(e.jobId());
    String description = descriptions.remove(e.jobId());
    if (s != null) {
      durations.add(Map.entry(description == null ? "" : description, (e.time() - s[0]) / 1e3));
      lines.add(String.format(Locale.ROOT, "  job %4d at %7.2fs: %6.2fs %d stages  %s", e.jobId(), (s[0] - t0) / 1e3,
          (e.time() - s[0]) / 1e3, s[1], sites.remove(e.jobId())));
    }
  }

  public void clear() {
    lines.clear();
    durations.clear();
  }

  /** Seconds of the jobs ended since {@link #clear} whose description starts with {@code prefix}, summed. */
  public double seconds(String prefix) {
    synchronized (durations) {
      return durations.stream().filter(d -> d.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue).sum();
    }
  }

  /** Prints and forgets the jobs logged so far. */
  public void dump(String title) {
    System.err.println(title);
    synchronized (lines) {
      lines.forEach(System.err::println);
      lines.clear();
    }
  }
}

package io.trailwatch.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark jobs that this thread starts, and the threads it starts, from now until {@link #stop}:
 * other test classes may run jobs in the same session at the same time (docs/testing.md), so a test
 * that counts jobs counts only its own. Jobs are told apart by a local property set on this thread,
 * which Spark copies to every thread this thread creates afterwards (a run's own thread pools).
 */
public final class OwnJobs extends SparkListener {
  private static final String TAG = "trailwatch.test.jobs";

  private final SparkSession spark;
  private final String tag = UUID.randomUUID().toString();
  private final List<String> descriptions = Collections.synchronizedList(new ArrayList<>());

  private OwnJobs(SparkSession spark) {
    this.spark = spark;
  }

  /** Starts counting this thread's jobs. */
  public static OwnJobs start(SparkSession spark) throws TimeoutException {
    OwnJobs jobs = new OwnJobs(spark);
    spark.sparkContext().listenerBus().waitUntilEmpty();
    spark.sparkContext().addSparkListener(jobs);
    spark.sparkContext().setLocalProperty(TAG, jobs.tag);
    return jobs;
  }

  @Override
  public void onJobStart(SparkListenerJobStart e) {
    if (e.properties() != null && tag.equals(e.properties().getProperty(TAG))) {
      String d = e.properties().getProperty("spark.job.description");
      descriptions.add(d == null ? "" : d);
    }
  }

  /** The descriptions of the jobs started so far (empty for a job without one), in order. */
  public List<String> descriptions() throws TimeoutException {
    spark.sparkContext().listenerBus().waitUntilEmpty();
    synchronized (descriptions) {
      return List.copyOf(descriptions);
    }
  }

  /** Stops counting; returns the descriptions of every job started since {@link #start}. */
  public List<String> stop() throws TimeoutException {
    List<String> all = descriptions();
    spark.sparkContext().setLocalProperty(TAG, null);
    spark.sparkContext().removeSparkListener(this);
    return all;
  }
}

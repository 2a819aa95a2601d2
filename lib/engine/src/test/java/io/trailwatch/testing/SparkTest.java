package io.trailwatch.testing;

import io.trailwatch.pipeline.Sparks;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * One local[2] SparkSession for the whole suite (getOrCreate returns the same one to every class).
 * Its timeout is inherited by every Spark test class that sets none.
 *
 * <p>Two test classes of a module run at the same time in this one session (docs/testing.md).
 * A class that changes what a session holds works in a session of its own ({@code
 * spark.newSession()}: its own settings and temporary views, the same SparkContext): session
 * settings ({@code maintain} changes some while it runs) and the {@code tw_} views. A class that
 * counts Spark jobs counts only its own ({@link OwnJobs}), never every job of the session.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class SparkTest {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = Sparks.session("trailwatch-test", "local[2]", 2);
  }
}

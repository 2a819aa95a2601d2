package io.trailwatch.testing;

import io.trailwatch.pipeline.Sparks;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * One local[2] SparkSession for the whole suite (getOrCreate returns the same one to every class).
 * Its timeout is inherited by every Spark test class that sets none.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public abstract class SparkTest {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = Sparks.session("trailwatch-test", "local[2]", 2);
  }
}

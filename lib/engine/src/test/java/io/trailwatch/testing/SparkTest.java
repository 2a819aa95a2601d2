package io.trailwatch.testing;

import io.trailwatch.pipeline.Sparks;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] SparkSession for the whole suite (getOrCreate returns the same one to every class). */
public abstract class SparkTest {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = Sparks.session("trailwatch-test", "local[2]", 2);
  }
}

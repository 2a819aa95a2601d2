package io.trailwatch.detect;

import java.io.Serializable;
import java.util.TreeSet;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.expressions.Aggregator;

/**
 * The {@code k} smallest distinct non-null values of a string column, joined with U+001F (the
 * parser has replaced every control character in the input, so it cannot occur in a value).
 * Bounded memory per group, unlike {@code collect_set}, and deterministic.
 */
public final class SmallestDistinct extends Aggregator<String, SmallestDistinct.Buf, String> {
  public static final String SEPARATOR = "\u001f";
  private final int k;

  public SmallestDistinct(int k) {
    this.k = k;
  }

  /** The aggregation buffer: a sorted set of at most k values. */
  public static final class Buf implements Serializable {
    final TreeSet<String> values = new TreeSet<>();

    void add(String v, int k) {
      if (values.size() < k) {
        values.add(v);
      } else if (v.compareTo(values.last()) < 0 && values.add(v)) {
        values.pollLast();
      }
    }
  }

  @Override
  public Buf zero() {
    return new Buf();
  }

  @Override
  public Buf reduce(Buf b, String v) {
    if (v != null) {
      b.add(v, k);
    }
    return b;
  }

  @Override
  public Buf merge(Buf a, Buf b) {
    for (String v : b.values) {
      a.add(v, k);
    }
    return a;
  }

  @Override
  public String finish(Buf b) {
    return String.join(SEPARATOR, b.values);
  }

  @Override
  public Encoder<Buf> bufferEncoder() {
    return Encoders.javaSerialization(Buf.class);
  }

  @Override
  public Encoder<String> outputEncoder() {
    return Encoders.STRING();
  }
}

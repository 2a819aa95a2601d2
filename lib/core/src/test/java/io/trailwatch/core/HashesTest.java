package io.trailwatch.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** Keys whose fields change together (a session name ends both principalId and ARN) spread over a HashMap's buckets. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class HashesTest {
  /** The longest bucket chain a HashMap of these hash codes would have (its own spreading, 2^17 buckets). */
  static int longestChain(int[] hashes) {
    Map<Integer, Integer> buckets = new HashMap<>();
    int longest = 0;
    for (int h : hashes) {
      int bucket = (h ^ (h >>> 16)) & ((1 << 17) - 1);
      longest = Math.max(longest, buckets.merge(bucket, 1, Integer::sum));
    }
    return longest;
  }

  @Test
  void assumedRoleSessionsDoNotPileUpInFewBuckets() {
    int n = 100_000;
    int[] scrambled = new int[n];
    for (int i = 0; i < n; i++) {
      String session = "i-0" + Integer.toHexString(0x1000000 + i * 7919);
      String principalId = "AROAEXAMPLEROLEID1234:" + session;
      String arn = "arn:aws:sts::111111111111:assumed-role/app/" + session;
      scrambled[i] = Hashes.finish(Hashes.add(Hashes.add(Hashes.add(Hashes.start(), "AssumedRole"), principalId), arn));
    }
    int chain = longestChain(scrambled);
    // Random hash codes at load 0.76 give a longest chain of 6 to 9 (a HashMap makes a tree of 8).
    assertTrue(chain <= 10, "longest chain " + chain);
  }
}

package io.trailwatch.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class CloudTrailReaderTest {
  static LogFile file(String account, String region, int minute, long size) {
    return new LogFile("file:/logs/AWSLogs/" + account + "/CloudTrail/" + region + "/2026/11/20/" + account
        + "_CloudTrail_" + region + "_20261120T14" + String.format("%02d", minute) + "Z_x.json.gz", account, "bu",
        region, Instant.parse("2026-11-20T14:00:00Z").plusSeconds(60L * minute), size);
  }

  @Test
  void anAccountIsNeverSplitAcrossTasksEvenWhenItDominates() {
    List<LogFile> files = new ArrayList<>();
    for (int m = 0; m < 60; m++) {
      files.add(file("111111111111", m % 2 == 0 ? "us-east-1" : "eu-west-1", m, 1_000_000));
    }
    for (int a = 2; a <= 9; a++) {
      for (int m = 0; m < 5; m++) {
        files.add(file(a + "00000000000", "us-east-1", m, 1_000 * a));
      }
    }
    List<List<LogFile>> groups = CloudTrailReader.balance(files, 4);
    assertEquals(4, groups.size());
    Map<String, Integer> groupOf = new HashMap<>();
    int n = 0;
    for (int g = 0; g < groups.size(); g++) {
      for (LogFile f : groups.get(g)) {
        Integer before = groupOf.put(f.accountId(), g);
        assertTrue(before == null || before == g, f.accountId() + " is in two groups");
        n++;
      }
    }
    assertEquals(files.size(), n, "every file in exactly one group");
    // Within a group, an account's files are together and in URI order (region, then delivery time).
    for (List<LogFile> g : groups) {
      for (int i = 1; i < g.size(); i++) {
        int c = g.get(i - 1).accountId().compareTo(g.get(i).accountId());
        assertTrue(c < 0 || (c == 0 && g.get(i - 1).uri().compareTo(g.get(i).uri()) < 0));
      }
    }
  }

  @Test
  void accountsAreSpreadSoTasksFinishTogether() {
    List<LogFile> files = new ArrayList<>();
    for (int a = 1; a <= 8; a++) {
      for (int m = 0; m < 4; m++) {
        files.add(file(a + "00000000000", "us-east-1", m, 100));
      }
    }
    List<List<LogFile>> groups = CloudTrailReader.balance(files, 4);
    for (List<LogFile> g : groups) {
      assertEquals(8, g.size(), "two accounts of four files each per group");
    }
  }
}

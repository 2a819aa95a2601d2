package io.trailwatch.pipeline;

import io.trailwatch.state.RunsTable;

import io.trailwatch.accounts.Account;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.Window;
import io.trailwatch.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A baseline build cut into chunks of whole days, counted from the start of its range (the last
 * chunk ends with the range, and may be shorter). Each chunk is read, compared and merged on its
 * own, then recorded in the run ledger under the build's id ({@link #id}), so a build that stops
 * resumes at the first chunk not recorded ({@link #done}).
 *
 * <p>The id is the same for the same build: the same range, accounts (with their business units),
 * chunk size, and build or rebuild. Another chunk size is another build, so chunks of two
 * different cuts of a range are never taken for each other.
 */
record BaselineBuild(String id, Window window, List<Chunk> chunks) {
  BaselineBuild {
    chunks = List.copyOf(chunks);
  }

  /** One chunk: days {@code firstDay}..{@code lastDay} (1 is the range's first day) and its window. */
  record Chunk(int index, int firstDay, int lastDay, Window window) {
    /** {@code days 8-14}, {@code day 15}: how progress lines name the chunk. */
    String describe() {
      return firstDay == lastDay ? "day " + firstDay : "days " + firstDay + "-" + lastDay;
    }
  }

  /** The build of {@code window} for these accounts, in chunks of {@code chunkDays} days (at least 1). */
  static BaselineBuild of(Window window, List<Account> accounts, boolean replace, int chunkDays) {
    if (chunkDays < 1) {
      throw TrailwatchException.of(ErrorCode.BAD_BASELINE_OPTION, "Cannot build a baseline in chunks of %d days:"
          + " must be >= 1", chunkDays);
    }
    return new BaselineBuild(idOf(window, accounts, replace, chunkDays), window, cut(window, chunkDays));
  }

  /** [from, to) in chunks of whole days from {@code from}; the last ends at {@code to}. */
  static List<Chunk> cut(Window window, int chunkDays) {
    Duration day = Duration.ofDays(1);
    List<Chunk> out = new ArrayList<>();
    Instant from = window.from();
    int firstDay = 1;
    while (from.isBefore(window.to())) {
      Instant to = from.plus(day.multipliedBy(chunkDays));
      if (to.isAfter(window.to())) {
        to = window.to();
      }
      long seconds = Duration.between(window.from(), to).getSeconds();
      int lastDay = (int) ((seconds + day.getSeconds() - 1) / day.getSeconds());
      out.add(new Chunk(out.size(), firstDay, lastDay, new Window(from, to)));
      from = to;
      firstDay = lastDay + 1;
    }
    return out;
  }

  /**
   * The chunks already done, each with the run that did it: the leading chunks that the
   * unfinished attempt of this build recorded. An attempt is finished once its last chunk is
   * recorded; a build run again after that starts over, as a build always did. Only leading
   * chunks count: a build resumes at the first chunk not done and redoes everything after it
   * (a rebuild's first chunk replaces the accounts' rows, so nothing merged before it may stay).
   */
  Map<Chunk, String> done(List<RunsTable.BuildChunk> recorded) {
    int start = 0;
    for (int i = 0; i < recorded.size(); i++) {
      if (recorded.get(i).to().equals(window.to())) {
        start = i + 1;
      }
    }
    Map<Window, String> byWindow = new HashMap<>();
    for (RunsTable.BuildChunk c : recorded.subList(start, recorded.size())) {
      byWindow.put(new Window(c.from(), c.to()), c.runId());
    }
    Map<Chunk, String> out = new LinkedHashMap<>();
    for (Chunk c : chunks) {
      String run = byWindow.get(c.window());
      if (run == null) {
        break;
      }
      out.put(c, run);
    }
    return out;
  }

  private static String idOf(Window window, List<Account> accounts, boolean replace, int chunkDays) {
    Set<String> seen = new HashSet<>();
    List<String> keys = new ArrayList<>();
    for (Account a : accounts) {
      if (seen.add(a.businessUnit() + "/" + a.id())) {
        keys.add(a.businessUnit() + "/" + a.id());
      }
    }
    keys.sort(null);
    String text = (replace ? "rebuild" : "build") + "|" + window.from() + "|" + window.to() + "|" + chunkDays + "|"
        + String.join(",", keys);
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder(replace ? "rebuild-" : "build-");
      for (int i = 0; i < 8; i++) {
        sb.append(String.format("%02x", d[i]));
      }
      return sb.toString();
    } catch (NoSuchAlgorithmException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot hash a baseline build's id: %s", e.getMessage());
    }
  }
}

package io.trailwatch.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups items, in order, into batches of at most {@code maxItems} items and {@code maxBytes}
 * bytes (sizes as the caller counts them, separators included). An item larger than
 * {@code maxBytes} on its own is set apart as oversized: no request can carry it.
 */
public record Batches(List<List<Integer>> batches, List<Integer> oversized) {
  public Batches {
    batches = List.copyOf(batches);
    oversized = List.copyOf(oversized);
  }

  /**
   * @param sizes the size of each item, in bytes
   * @return the items' positions in {@code sizes}, batched
   */
  public static Batches of(int[] sizes, int maxBytes, int maxItems) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> over = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    long bytes = 0;
    for (int i = 0; i < sizes.length; i++) {
      if (sizes[i] > maxBytes) {
        over.add(i);
        continue;
      }
      if (!current.isEmpty() && (bytes + sizes[i] > maxBytes || current.size() >= maxItems)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(i);
      bytes += sizes[i];
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return new Batches(out, over);
  }
}

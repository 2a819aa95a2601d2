package io.trailwatch.testing;

import io.trailwatch.mirror.BaselineMirror;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorMark;
import io.trailwatch.mirror.MirrorWrite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link BaselineMirror} in memory that also records every write: for tests of the code that calls a mirror. */
public final class RecordingMirror implements BaselineMirror {
  private final Map<MirrorItem.Key, MirrorItem> items = new LinkedHashMap<>();
  private final Map<String, MirrorMark> marks = new LinkedHashMap<>();
  private final List<List<MirrorItem>> writes = new ArrayList<>();
  private final List<List<MirrorItem.Key>> deletes = new ArrayList<>();

  @Override
  public synchronized MirrorWrite write(List<MirrorItem> batch) {
    writes.add(List.copyOf(batch));
    batch.forEach(i -> items.put(i.key(), i));
    return new MirrorWrite(batch.size(), batch.isEmpty() ? 0 : 1, 0);
  }

  @Override
  public synchronized MirrorWrite delete(List<MirrorItem.Key> keys) {
    deletes.add(List.copyOf(keys));
    keys.forEach(items::remove);
    return new MirrorWrite(keys.size(), keys.isEmpty() ? 0 : 1, 0);
  }

  @Override
  public synchronized List<MirrorItem> lookup(String accountId, String principal, Instant now) {
    return items.values().stream()
        .filter(i -> i.accountId().equals(accountId) && i.principal().equals(principal) && !i.expiredAt(now))
        .sorted(Comparator.comparing(MirrorItem::eventSource).thenComparing(MirrorItem::eventName))
        .toList();
  }

  @Override
  public synchronized Optional<MirrorMark> mark(String businessUnit) {
    return Optional.ofNullable(marks.get(businessUnit));
  }

  @Override
  public synchronized void markPending(String businessUnit, long versionBefore) {
    marks.put(businessUnit, new MirrorMark(versionBefore, true));
  }

  @Override
  public synchronized void markMirrored(String businessUnit, long version) {
    marks.put(businessUnit, new MirrorMark(version, false));
  }

  /** Every row held, expired ones included. */
  public synchronized Map<MirrorItem.Key, MirrorItem> items() {
    return Map.copyOf(items);
  }

  /** The keys passed to {@link #delete}, call by call, in order. */
  public synchronized List<List<MirrorItem.Key>> deletes() {
    return List.copyOf(deletes);
  }

  /** The batches passed to {@link #write}, in order. */
  public synchronized List<List<MirrorItem>> writes() {
    return List.copyOf(writes);
  }
}

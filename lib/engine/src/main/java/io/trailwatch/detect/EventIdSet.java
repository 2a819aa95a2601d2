package io.trailwatch.detect;

import io.trailwatch.core.Hashes;

/**
 * The events of one account seen so far, by (eventID, time, eventName): the key that
 * {@link Behaviors#dropDuplicateEvents} uses, without the account. An open-addressing table over
 * plain arrays: a {@code HashSet} of key records spent most of the read's reducer time allocating
 * nodes and re-linking them on every resize, for about a hundred thousand events per account.
 */
final class EventIdSet {
  private static final float LOAD = 0.5f;
  /** The hash of an empty slot; no key hashes to it ({@link #hash}). */
  private static final int EMPTY = 0;
  private int[] hashes;
  private String[] ids;
  private long[] times;
  private String[] names;
  private int size;

  EventIdSet() {
    allocate(1 << 12);
  }

  /** Adds the event (id and name not null); false if an event with the same key was added before. */
  boolean add(String eventId, long micros, String eventName) {
    if (size >= hashes.length * LOAD) {
      grow();
    }
    int h = hash(eventId, micros, eventName);
    int mask = hashes.length - 1;
    // A probe reads only the hash array (0: empty) until a hash matches: one cache line per slot tried.
    for (int i = h & mask; ; i = (i + 1) & mask) {
      int stored = hashes[i];
      if (stored == EMPTY) {
        put(i, h, eventId, micros, eventName);
        size++;
        return true;
      }
      if (stored == h && times[i] == micros && ids[i].equals(eventId) && names[i].equals(eventName)) {
        return false;
      }
    }
  }

  /** Empties the set, keeping its capacity for the next account. */
  void clear() {
    java.util.Arrays.fill(hashes, EMPTY);
    java.util.Arrays.fill(ids, null);
    java.util.Arrays.fill(names, null);
    size = 0;
  }

  int size() {
    return size;
  }

  /** All three fields in every bit: a slot must not follow the time alone (an account logs many events a second). */
  private static int hash(String eventId, long micros, String eventName) {
    int h = Hashes.finish(Hashes.add(Hashes.add(Hashes.add(Hashes.start(), eventId), micros), eventName));
    return h == EMPTY ? 1 : h;
  }

  private void put(int i, int h, String eventId, long micros, String eventName) {
    hashes[i] = h;
    ids[i] = eventId;
    times[i] = micros;
    names[i] = eventName;
  }

  private void allocate(int capacity) {
    hashes = new int[capacity];
    ids = new String[capacity];
    times = new long[capacity];
    names = new String[capacity];
  }

  private void grow() {
    int[] oldHashes = hashes;
    String[] oldIds = ids;
    long[] oldTimes = times;
    String[] oldNames = names;
    allocate(oldHashes.length * 2);
    int mask = hashes.length - 1;
    for (int j = 0; j < oldIds.length; j++) {
      if (oldHashes[j] != EMPTY) {
        int i = oldHashes[j] & mask;
        while (hashes[i] != EMPTY) {
          i = (i + 1) & mask;
        }
        put(i, oldHashes[j], oldIds[j], oldTimes[j], oldNames[j]);
      }
    }
  }
}

package io.trailwatch.core;

/**
 * Hash codes for composite keys in the read's hot hash maps (the parser's identity cache, the
 * per-account de-duplication set). A record's own hashCode chains its fields' hashes with powers
 * of 31; on the benchmark's hour JFR showed both maps with tree bins (long bucket chains), and
 * fields that change together (a session name ends both principalId and ARN) are a likely cause.
 * Scrambling each field's hash and the result spreads such keys like random ones; the warm detect
 * of the benchmark went from 35-41 s to 26-28 s.
 */
public final class Hashes {
  private Hashes() {}

  /** Starts a hash. */
  public static int start() {
    return 0x2545F491;
  }

  /** Adds a field (may be null). */
  public static int add(int h, Object field) {
    return h * 31 + scramble(field == null ? 0 : field.hashCode());
  }

  /** Adds a long field. */
  public static int add(int h, long field) {
    return h * 31 + scramble(Long.hashCode(field));
  }

  /** Adds a boolean field. */
  public static int add(int h, boolean field) {
    return h * 31 + (field ? 0x5BD1E995 : 0x1B873593);
  }

  /** Ends a hash: every input bit affects every output bit. */
  public static int finish(int h) {
    return scramble(h);
  }

  /** MurmurHash3's 32-bit finalizer. */
  static int scramble(int h) {
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    h *= 0xC2B2AE35;
    h ^= h >>> 16;
    return h;
  }
}

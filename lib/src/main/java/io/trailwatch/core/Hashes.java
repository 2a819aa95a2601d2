package io.trailwatch.core;

/**
 * Hash codes for composite keys in hot hash maps. A record's own hashCode sums its fields'
 * hashes with powers of 31; when two fields change together (an assumed-role session name is the
 * end of both principalId and ARN) their changes add up to a multiple of 32 and the low bits a
 * HashMap uses stop varying: long bucket chains. Scrambling each field's hash first avoids that.
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

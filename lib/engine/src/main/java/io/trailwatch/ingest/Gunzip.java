package io.trailwatch.ingest;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.config.GunzipMode;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.trailwatch.core.TrailwatchException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.zip.GZIPInputStream;

/**
 * Opens a log file's bytes (gzip or plain JSON) for the JSON parser. A gzip file is inflated
 * whole, by libdeflate when it is loaded ({@link GunzipMode}) and by the JDK's zlib otherwise
 * (whole, the parser's fast path can read it: {@link RecordScan}). A file refused whole is
 * streamed through zlib from its start: a truncated or corrupt file, several gzip members, a file
 * over {@link #MAX_WHOLE_COMPRESSED} or whose trailer claims more than {@link #MAX_WHOLE_INFLATED}.
 * zlib then names the fault exactly as it always has, so what is quarantined does not depend on
 * the library or on the path.
 *
 * <p>libdeflate loads when the system has {@code libdeflate.so.0} (Debian: {@code libdeflate0});
 * it is called through JNA, so the JVM needs no option. One instance per thread: it keeps its
 * buffers from file to file.
 */
final class Gunzip {
  /** Larger gzip files are streamed (no whole copy in memory). */
  static final int MAX_WHOLE_COMPRESSED = 64 << 20;
  /** Larger inflated sizes are streamed; CloudTrail's files are a few MB. */
  static final int MAX_WHOLE_INFLATED = 256 << 20;
  /** Deflate cannot expand more than about 1032:1: a trailer claiming more is a lie. */
  private static final long MAX_RATIO = 1100;

  private static final ThreadLocal<Libdeflate.Buffers> NATIVE = new ThreadLocal<>();

  private final boolean fast;
  private byte[] compressed = new byte[1 << 16];
  private byte[] inflated = new byte[1 << 16];
  /** Files inflated by libdeflate so far (the rest went through zlib or were plain). */
  long inflatedWhole;

  Gunzip(GunzipMode mode) {
    require(mode);
    this.fast = mode != GunzipMode.ZLIB && Loaded.LIB != null;
  }

  /** Throws when {@code mode} demands libdeflate and it did not load in this JVM. */
  static void require(GunzipMode mode) {
    if (mode == GunzipMode.LIBDEFLATE && Loaded.LIB == null) {
      throw TrailwatchException.of(ErrorCode.LIBDEFLATE_UNAVAILABLE,
          "ingest.gunzip is libdeflate but it cannot be used here: %s", Loaded.PROBLEM);
    }
  }

  /** What {@code mode} uses in this JVM, for the run's log: "libdeflate" or "zlib (why)". */
  static String describe(GunzipMode mode) {
    if (mode == GunzipMode.ZLIB) {
      return "zlib (ingest.gunzip: zlib)";
    }
    return Loaded.LIB != null ? "libdeflate" : "zlib (libdeflate not loaded: " + Loaded.PROBLEM + ")";
  }

  /**
   * A file's JSON: whole in memory ({@link #bytes}, valid until this Gunzip opens the next file)
   * when it was inflated whole (by libdeflate, or by zlib where libdeflate is not used), else a stream.
   */
  static final class Json {
    final byte[] bytes;
    final int length;
    private final InputStream stream;

    private Json(byte[] bytes, int length, InputStream stream) {
      this.bytes = bytes;
      this.length = length;
      this.stream = stream;
    }

    boolean whole() {
      return bytes != null;
    }

    JsonParser parser(JsonFactory json) throws IOException {
      return bytes != null ? json.createParser(bytes, 0, length) : json.createParser(stream);
    }
  }

  /** The file's JSON; the caller closes {@code raw}. */
  Json open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 14);
    in.mark(2);
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b1 != 0x1f || b2 != 0x8b) {
      return new Json(null, 0, in);
    }
    int n = readUpTo(in, MAX_WHOLE_COMPRESSED);
    InputStream read = new ByteArrayInputStream(compressed, 0, n);
    if (n == MAX_WHOLE_COMPRESSED) {
      return new Json(null, 0, new GZIPInputStream(new SequenceInputStream(read, in), 1 << 14));
    }
    int size = claimedSize(compressed, n);
    if (size > 0) {
      if (inflated.length < size) {
        inflated = new byte[Math.max(size, Math.min(MAX_WHOLE_INFLATED, inflated.length + inflated.length / 2))];
      }
      int got = fast ? buffers().gunzip(compressed, n, inflated, size) : zlibWhole(n, size);
      if (got == size) {
        inflatedWhole += fast ? 1 : 0;
        return new Json(inflated, got, null);
      }
    }
    // Refused whole (a fault, several members, an unlikely size): streamed from the start, faults named as always.
    return new Json(null, 0, new GZIPInputStream(read, 1 << 14));
  }

  /**
   * zlib's inflation of the whole file into {@link #inflated}: its size when the file holds exactly
   * the {@code size} bytes its trailer claims, else -1 (the caller streams it again and names the fault).
   */
  private int zlibWhole(int n, int size) {
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(compressed, 0, n), 1 << 14)) {
      int got = z.readNBytes(inflated, 0, size);
      return got == size && z.read() < 0 ? got : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The inflated size in the gzip trailer (its last four bytes, little-endian), or -1 when the
   * whole-file path should not trust it: too short to be gzip, empty, over the cap, or more than
   * deflate can expand.
   */
  static int claimedSize(byte[] gz, int n) {
    if (n < 20) {
      return -1;
    }
    long size = (gz[n - 4] & 0xffL) | (gz[n - 3] & 0xffL) << 8 | (gz[n - 2] & 0xffL) << 16 | (gz[n - 1] & 0xffL) << 24;
    if (size == 0 || size > MAX_WHOLE_INFLATED || size > n * MAX_RATIO) {
      return -1;
    }
    return (int) size;
  }

  /** Reads up to {@code max} bytes into {@link #compressed}; returns how many (max: maybe more). */
  private int readUpTo(InputStream in, int max) throws IOException {
    int n = 0;
    while (n < max) {
      if (n == compressed.length) {
        byte[] bigger = new byte[(int) Math.min(max, compressed.length * 2L)];
        System.arraycopy(compressed, 0, bigger, 0, n);
        compressed = bigger;
      }
      int r = in.read(compressed, n, compressed.length - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    return n;
  }

  private static Libdeflate.Buffers buffers() {
    Libdeflate.Buffers b = NATIVE.get();
    if (b == null) {
      b = Loaded.LIB.new Buffers();
      NATIVE.set(b);
    }
    return b;
  }

  /** libdeflate, loaded once per JVM on first use; null with the reason when it cannot be. */
  private static final class Loaded {
    static final Libdeflate LIB;
    static final String PROBLEM;

    static {
      Libdeflate lib = null;
      String problem = null;
      try {
        lib = Libdeflate.load();
      } catch (Throwable t) {
        // UnsatisfiedLinkError (JNA's stub or the library) or IllegalStateException without the library.
        problem = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      LIB = lib;
      PROBLEM = problem;
    }
  }
}

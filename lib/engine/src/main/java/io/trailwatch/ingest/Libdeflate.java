package io.trailwatch.ingest;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system's libdeflate, called through JNA's direct mapping (plain JNI underneath: no JVM
 * option, no incubator module, no start-up warning): it inflates a whole gzip member about twice
 * as fast as the zlib behind {@code GZIPInputStream} (1.74 vs 0.85 GB/s on the bench's files, in
 * C). Only {@link Gunzip} uses it, and only when it loads: see there for what it needs.
 */
final class Libdeflate {
  /** libdeflate_result: success; anything else makes the caller fall back to zlib. */
  static final int SUCCESS = 0;

  /** Frees the decompressor of a {@link Buffers} once it is unreachable (its thread ended). */
  private static final Cleaner CLEANER = Cleaner.create();

  /** The three functions used, bound to the library by {@link Native#register(Class, NativeLibrary)}. */
  private static final class C {
    // struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
    static native Pointer libdeflate_alloc_decompressor();

    // void libdeflate_free_decompressor(struct libdeflate_decompressor *d);
    static native void libdeflate_free_decompressor(Pointer d);

    // enum libdeflate_result libdeflate_gzip_decompress_ex(struct libdeflate_decompressor *d,
    //     const void *in, size_t in_nbytes, void *out, size_t out_nbytes_avail,
    //     size_t *actual_in_nbytes_ret, size_t *actual_out_nbytes_ret);   (size_t: 64-bit here)
    static native int libdeflate_gzip_decompress_ex(Pointer d, Pointer in, long inBytes, Pointer out, long outBytes,
        Pointer actualIn, Pointer actualOut);
  }

  private Libdeflate() {}

  /** Loads the library from java.library.path or the system's library folders; throws when it cannot. */
  static Libdeflate load() {
    if (Native.POINTER_SIZE != 8) {
      throw new IllegalStateException("libdeflate's binding needs a 64-bit JVM (size_t as long)");
    }
    Native.register(C.class, NativeLibrary.getInstance(findLibrary().toAbsolutePath().toString()));
    Libdeflate lib = new Libdeflate();
    lib.new Buffers(); // fails here, not on the first file, when the library is unusable
    return lib;
  }

  private static Path findLibrary() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getProperty("java.library.path", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir));
      }
    }
    for (String dir : List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
        "/usr/local/lib", "/opt/homebrew/lib")) {
      candidates.add(Path.of(dir));
    }
    for (Path dir : candidates) {
      for (String name : List.of("libdeflate.so.0", "libdeflate.so", "libdeflate.dylib")) {
        Path p = dir.resolve(name);
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
    }
    throw new IllegalStateException("libdeflate not found (looked for libdeflate.so.0 in java.library.path and "
        + "the system's library folders)");
  }

  /** Native buffers of one thread, grown to the largest file met; freed with this object by the GC. */
  final class Buffers {
    private final Pointer decompressor;
    private final Memory sizes = new Memory(16);
    private Memory in;
    private Memory out;

    Buffers() {
      // A decompressor is for one thread at a time: a few KB of native memory, freed by CLEANER.
      Pointer d = C.libdeflate_alloc_decompressor();
      if (d == null) {
        throw new IllegalStateException("libdeflate_alloc_decompressor returned NULL");
      }
      this.decompressor = d;
      CLEANER.register(this, () -> C.libdeflate_free_decompressor(d));
    }

    /**
     * Inflates the first gzip member of {@code gz[0, len)} into {@code dst}, which must hold
     * {@code expected} bytes. Returns the inflated length, or -1 when libdeflate refuses (bad or
     * truncated data, more than one member, more output than {@code expected}).
     */
    int gunzip(byte[] gz, int len, byte[] dst, int expected) {
      in = atLeast(in, len);
      out = atLeast(out, Math.max(1, expected));
      in.write(0, gz, 0, len);
      int r = C.libdeflate_gzip_decompress_ex(decompressor, in, len, out, expected, sizes, sizes.share(8));
      long consumed = sizes.getLong(0);
      long produced = sizes.getLong(8);
      if (r != SUCCESS || consumed != len || produced != expected) {
        return -1;
      }
      out.read(0, dst, 0, (int) produced);
      return (int) produced;
    }

    private Memory atLeast(Memory m, long n) {
      if (m != null && m.size() >= n) {
        return m;
      }
      long size = Math.max(n, m == null ? 1 << 16 : Math.min(Integer.MAX_VALUE, m.size() * 2));
      // The smaller buffer is left to the collector (JNA frees it then): Memory.close() exists only since
      // JNA 5.12, and an older JNA earlier on a cluster's class path would fail here, in the middle of a read.
      // Buffers grow a few times per thread at most, so what waits for the collector is small.
      return new Memory(size);
    }
  }
}

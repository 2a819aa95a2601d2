package io.trailwatch.ingest;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import java.lang.ref.Cleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAccess;
import jdk.incubator.foreign.MemoryAddress;
import jdk.incubator.foreign.MemorySegment;
import jdk.incubator.foreign.ResourceScope;
import jdk.incubator.foreign.SymbolLookup;

/**
 * The system's libdeflate, called through Java 17's foreign-function API (incubating): it
 * inflates a whole gzip member about twice as fast as the zlib behind {@code GZIPInputStream}
 * (1.74 vs 0.85 GB/s on the bench's files, in C). Only {@link Gunzip} uses it, and only when it
 * loads: see there for what it needs.
 */
final class Libdeflate {
  /** libdeflate_result: success; anything else makes the caller fall back to zlib. */
  static final int SUCCESS = 0;

  /** Frees the decompressor of a {@link Buffers} once it is unreachable (its thread ended). */
  private static final Cleaner CLEANER = Cleaner.create();

  private final MethodHandle alloc;
  private final MethodHandle free;
  private final MethodHandle decompress;

  private Libdeflate(MethodHandle alloc, MethodHandle free, MethodHandle decompress) {
    this.alloc = alloc;
    this.free = free;
    this.decompress = decompress;
  }

  /** Loads the library from java.library.path or the system's library folders; throws when it cannot. */
  static Libdeflate load() {
    loadFromUsualPlaces();
    CLinker c = CLinker.getInstance();
    SymbolLookup lookup = SymbolLookup.loaderLookup();
    // struct libdeflate_decompressor *libdeflate_alloc_decompressor(void);
    MethodHandle alloc = c.downcallHandle(symbol(lookup, "libdeflate_alloc_decompressor"),
        MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
    // void libdeflate_free_decompressor(struct libdeflate_decompressor *d);
    MethodHandle free = c.downcallHandle(symbol(lookup, "libdeflate_free_decompressor"),
        MethodType.methodType(void.class, MemoryAddress.class), FunctionDescriptor.ofVoid(CLinker.C_POINTER));
    // enum libdeflate_result libdeflate_gzip_decompress_ex(struct libdeflate_decompressor *d,
    //     const void *in, size_t in_nbytes, void *out, size_t out_nbytes_avail,
    //     size_t *actual_in_nbytes_ret, size_t *actual_out_nbytes_ret);
    MethodHandle decompress = c.downcallHandle(symbol(lookup, "libdeflate_gzip_decompress_ex"),
        MethodType.methodType(int.class, MemoryAddress.class, MemoryAddress.class, long.class, MemoryAddress.class,
            long.class, MemoryAddress.class, MemoryAddress.class),
        FunctionDescriptor.of(CLinker.C_INT, CLinker.C_POINTER, CLinker.C_POINTER, CLinker.C_LONG, CLinker.C_POINTER,
            CLinker.C_LONG, CLinker.C_POINTER, CLinker.C_POINTER));
    Libdeflate lib = new Libdeflate(alloc, free, decompress);
    lib.new Buffers(); // fails here, not on the first file, when the library is unusable
    return lib;
  }

  private static MemoryAddress symbol(SymbolLookup lookup, String name) {
    Optional<MemoryAddress> a = lookup.lookup(name);
    return a.orElseThrow(() -> new IllegalStateException("libdeflate has no symbol " + name));
  }

  private static void loadFromUsualPlaces() {
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
          System.load(p.toAbsolutePath().toString());
          return;
        }
      }
    }
    throw new IllegalStateException("libdeflate not found (looked for libdeflate.so.0 in java.library.path and "
        + "the system's library folders)");
  }

  /** Native buffers of one thread, grown to the largest file met; freed with this object by the GC. */
  final class Buffers {
    private final MemoryAddress decompressor;
    private final MemorySegment sizes;
    private MemorySegment in;
    private MemorySegment out;

    Buffers() {
      // A decompressor is for one thread at a time: a few KB of native memory, freed by CLEANER.
      try {
        this.decompressor = (MemoryAddress) alloc.invokeExact();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      if (decompressor.equals(MemoryAddress.NULL)) {
        throw new IllegalStateException("libdeflate_alloc_decompressor returned NULL");
      }
      MemoryAddress d = decompressor;
      MethodHandle f = free;
      CLEANER.register(this, () -> {
        try {
          f.invokeExact(d);
        } catch (Throwable ignored) {
          // Nothing to do at this point; the process keeps running.
        }
      });
      this.sizes = MemorySegment.allocateNative(16, 8, ResourceScope.newImplicitScope());
    }

    /**
     * Inflates the first gzip member of {@code gz[0, len)} into {@code dst}, which must hold
     * {@code expected} bytes. Returns the inflated length, or -1 when libdeflate refuses (bad or
     * truncated data, more than one member, more output than {@code expected}).
     */
    int gunzip(byte[] gz, int len, byte[] dst, int expected) {
      in = atLeast(in, len);
      out = atLeast(out, Math.max(1, expected));
      in.asSlice(0, len).copyFrom(MemorySegment.ofArray(gz).asSlice(0, len));
      int r;
      try {
        r = (int) decompress.invokeExact(decompressor, in.address(), (long) len, out.address(), (long) expected,
            sizes.address(), sizes.address().addOffset(8));
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException(t);
      }
      long consumed = MemoryAccess.getLongAtOffset(sizes, 0);
      long produced = MemoryAccess.getLongAtOffset(sizes, 8);
      if (r != SUCCESS || consumed != len || produced != expected) {
        return -1;
      }
      MemorySegment.ofArray(dst).asSlice(0, produced).copyFrom(out.asSlice(0, produced));
      return (int) produced;
    }

    private MemorySegment atLeast(MemorySegment s, long n) {
      if (s != null && s.byteSize() >= n) {
        return s;
      }
      long size = Math.max(n, s == null ? 1 << 16 : Math.min(Integer.MAX_VALUE, s.byteSize() * 2));
      return MemorySegment.allocateNative(size, 64, ResourceScope.newImplicitScope());
    }
  }
}

package io.trailwatch.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The floor: {@code gzip -dc} of every file to /dev/null, one process, one core. */
public final class GzipFloor {
  private GzipFloor() {}

  /** Seconds for gzip to decompress {@code files} in order, single-threaded. */
  public static double seconds(List<Path> files) throws IOException, InterruptedException {
    Path list = Files.createTempFile("trailwatch-bench", ".list");
    try {
      StringBuilder sb = new StringBuilder();
      for (Path f : files) {
        sb.append(f.toAbsolutePath()).append('\0');
      }
      Files.writeString(list, sb);
      // xargs runs gzip on batches of files one after the other: never two at once.
      ProcessBuilder pb = new ProcessBuilder("bash", "-c", "xargs -0 gzip -dc < '" + list + "' > /dev/null")
          .redirectError(ProcessBuilder.Redirect.INHERIT);
      long t0 = System.nanoTime();
      Process p = pb.start();
      int rc = p.waitFor();
      double s = (System.nanoTime() - t0) / 1e9;
      if (rc != 0) {
        throw new IOException("gzip -dc exited with " + rc);
      }
      return s;
    } finally {
      Files.deleteIfExists(list);
    }
  }

  /** Reads every file once (to /dev/null): the page cache then holds them for every contestant. */
  public static void warm(List<Path> files) throws IOException {
    byte[] buf = new byte[1 << 20];
    for (Path f : files) {
      try (var in = Files.newInputStream(f)) {
        while (in.read(buf) >= 0) {
          // discard
        }
      }
    }
  }

  /** Uncompressed bytes, from each gzip trailer's ISIZE (exact for members under 4 GiB, single-member files). */
  public static long uncompressedBytes(List<Path> files) throws IOException {
    long total = 0;
    for (Path f : files) {
      try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "r")) {
        if (r.length() < 18) {
          continue;
        }
        r.seek(r.length() - 4);
        byte[] b = new byte[4];
        r.readFully(b);
        total += (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
      }
    }
    return total;
  }

  public static List<Path> paths(List<String> uris) {
    List<Path> out = new ArrayList<>();
    for (String u : uris) {
      out.add(u.startsWith("file:") ? Path.of(java.net.URI.create(u)) : Path.of(u));
    }
    return out;
  }
}

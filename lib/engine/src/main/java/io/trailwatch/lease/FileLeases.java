package io.trailwatch.lease;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.state.StateLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Leases of a state on a local disk: an exclusive lock on {@code bu=<name>/_lease}, which the
 * operating system releases when the process dies, so it needs no expiry. The file also holds the
 * holder (run id, command, host, start) so that a refused run and {@code status} can name it.
 */
public final class FileLeases implements Leases {
  /** The lease file in each business unit's folder. */
  public static final String FILE = "_lease";

  private final Path root;
  private final Clock clock;

  /** @param root the state's folder */
  public FileLeases(Path root) {
    this.root = root;
    this.clock = Clock.systemUTC();
  }

  Path file(String businessUnit) {
    return Path.of(java.net.URI.create(StateLayout.folder(root.toUri().toString(), businessUnit) + "/" + FILE));
  }

  @Override
  public Lease take(String businessUnit, String command, Duration wait) {
    Path f = file(businessUnit);
    Instant deadline = clock.instant().plus(wait);
    LeaseHolder me = new LeaseHolder(command + "-" + UUID.randomUUID().toString().substring(0, 8), command,
        LeaseHolder.thisHost(), clock.instant(), Instant.parse("9999-12-31T23:59:59Z"));
    while (true) {
      FileChannel ch = open(f);
      FileLock lock = tryLock(ch);
      if (lock != null) {
        try {
          ch.truncate(0);
          ch.write(ByteBuffer.wrap(me.toJson().getBytes(StandardCharsets.UTF_8)), 0);
          ch.force(false);
        } catch (IOException e) {
          closeQuietly(ch);
          throw io(f, e);
        }
        return new Locked(businessUnit, me, ch, lock);
      }
      closeQuietly(ch);
      if (!clock.instant().isBefore(deadline)) {
        String who = Optional.ofNullable(read(f)).map(LeaseHolder::describe).orElse("another process");
        throw TrailwatchException.of(ErrorCode.BU_BUSY, "Business unit %s is busy: %s holds its lease (a lock on"
            + " %s); run again later or pass --wait MINUTES", businessUnit, who.replace(", lease until "
            + "9999-12-31T23:59:59Z", ""), f);
      }
      try {
        Thread.sleep(Math.min(ObjectLeases.POLL.toMillis(), Duration.between(clock.instant(), deadline).toMillis() + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, e, "Interrupted while waiting for a lease");
      }
    }
  }

  @Override
  public Optional<LeaseHolder> holder(String businessUnit) {
    Path f = file(businessUnit);
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    FileChannel ch = open(f);
    try {
      FileLock lock = tryLock(ch);
      if (lock != null) {
        return Optional.empty(); // nobody holds it (and closing the channel lets it go again)
      }
      return Optional.ofNullable(read(f));
    } finally {
      closeQuietly(ch);
    }
  }

  private static FileChannel open(Path f) {
    try {
      Files.createDirectories(f.getParent());
      return FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw io(f, e);
    }
  }

  /** The lock, or null when another process (or another run in this one) holds it. */
  private static FileLock tryLock(FileChannel ch) {
    try {
      return ch.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    } catch (IOException e) {
      throw TrailwatchException.wrap(ErrorCode.STATE_IO_FAILED, e, "Cannot lock a lease file: %s", e.getMessage());
    }
  }

  private static LeaseHolder read(Path f) {
    try {
      return LeaseHolder.fromJson(Files.readString(f));
    } catch (IOException e) {
      return null;
    }
  }

  private static TrailwatchException io(Path f, IOException e) {
    return TrailwatchException.wrap(ErrorCode.STATE_IO_FAILED, e, "Cannot use the lease file %s: %s", f,
        e.getMessage());
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing held
    }
  }

  /** A lock this process holds until it closes it (or dies). */
  private record Locked(String businessUnit, LeaseHolder holder, FileChannel channel, FileLock lock) implements Lease {
    @Override
    public void check(String table) {
      if (!lock.isValid()) {
        throw TrailwatchException.of(ErrorCode.BU_LEASE_LOST, "Run %s no longer holds the lock of business unit %s"
            + " and did not write %s", holder.runId(), businessUnit, table);
      }
    }

    @Override
    public void close() {
      closeQuietly(channel);
    }
  }
}

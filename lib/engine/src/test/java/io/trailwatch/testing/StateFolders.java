package io.trailwatch.testing;

import io.trailwatch.state.StateLayout;
import io.trailwatch.state.StateStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * State folders for tests: copies of a state, and empty states made by copying one empty state
 * that this JVM creates once.
 *
 * <p>Creating a state's seven Delta tables costs about as much as a small hourly run (a commit per
 * table; 13 s against 0.8 s to open them, measured on the busy 2-core machine), and most tests of
 * a run start from an empty state. A copy of the empty tables is what {@link StateStore#ensureTables}
 * makes, version 0 of each table with its columns, partitioning and properties; a run opens it as it
 * opens any existing state. Tests of the creation itself ({@code StateStoreTest}, {@code
 * StateLayoutTest}) create their tables.
 */
public final class StateFolders {
  private static Path emptyTemplate;

  private StateFolders() {}

  /** An empty state in {@code folder} (which must not exist yet or be empty), its tables created. */
  public static StateStore empty(SparkSession spark, Path folder) {
    copy(template(spark), folder);
    return new StateStore(spark, folder.toUri().toString());
  }

  /** A state root in {@code root} with an empty state for each of {@code businessUnits}. */
  public static StateLayout emptyLayout(SparkSession spark, Path root, Collection<String> businessUnits) {
    Path template = template(spark);
    String rootUri = root.toUri().toString();
    for (String bu : businessUnits) {
      copy(template, Path.of(java.net.URI.create(StateLayout.folder(rootUri, bu))));
    }
    return new StateLayout(spark, rootUri);
  }

  /** A copy of a state folder under a new path (Delta's logs name their files relative to the table). */
  public static void copy(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The JVM's empty state, created on first use and deleted when the JVM exits. */
  private static synchronized Path template(SparkSession spark) {
    if (emptyTemplate == null) {
      try {
        Path dir = Files.createTempDirectory("trailwatch-empty-state");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        Path state = dir.resolve("state");
        new StateStore(spark, state.toUri().toString()).ensureTables();
        emptyTemplate = state;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return emptyTemplate;
  }

  private static void delete(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // A temporary folder left behind: the JVM is exiting.
    }
  }
}

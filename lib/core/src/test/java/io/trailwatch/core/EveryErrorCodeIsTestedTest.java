package io.trailwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every {@link ErrorCode} is named by some test of some module ({@code src/test/java} under the
 * project root), so that a new code without a test that produces it fails the build.
 */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class EveryErrorCodeIsTestedTest {
  /**
   * Codes thrown by the code that no test JVM can meet: the test JVMs always have what they miss
   * (the system's libdeflate; DuckDB on the tools' class path). This list only
   * shrinks: a code in it that a test names fails this test too, until it is taken out.
   */
  static final Set<String> NOT_YET_TESTED = Set.of("LIBDEFLATE_UNAVAILABLE", "DUCKDB_MISSING");

  static Path projectRoot() {
    String root = System.getProperty("trailwatch.project.root");
    return Path.of(root != null ? root : "../..").toAbsolutePath().normalize();
  }

  /** The text of every test source of every module, but this class's own (its list names codes). */
  static String testSources() throws IOException {
    Path root = projectRoot();
    assertTrue(Files.isDirectory(root.resolve("lib/core/src/test/java")), "project root: " + root);
    try (Stream<Path> walk = Files.walk(root)) {
      List<Path> files = walk.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> root.relativize(p).toString().replace('\\', '/').matches("[^/]+/[^/]+/src/test/java/.*"))
          .filter(p -> !p.getFileName().toString().equals(EveryErrorCodeIsTestedTest.class.getSimpleName() + ".java"))
          .toList();
      return files.stream().map(p -> {
        try {
          return Files.readString(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).collect(Collectors.joining("\n"));
    }
  }

  @Test
  void everyErrorCodeIsNamedByATest() throws IOException {
    String tests = testSources();
    Set<String> untested = new TreeSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      if (!Pattern.compile("\\bErrorCode\\." + c.name() + "\\b").matcher(tests).find()) {
        untested.add(c.name());
      }
    }
    Set<String> newlyUntested = new TreeSet<>(untested);
    newlyUntested.removeAll(NOT_YET_TESTED);
    assertEquals(Set.of(), newlyUntested, "error codes no test produces: add a test that makes each happen and"
        + " asserts it, or remove the code");
    Set<String> nowTested = new TreeSet<>(NOT_YET_TESTED);
    nowTested.removeAll(untested);
    assertEquals(Set.of(), nowTested, "now tested: take them out of NOT_YET_TESTED");
    Set<String> names = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
    assertTrue(names.containsAll(NOT_YET_TESTED), "NOT_YET_TESTED names only existing codes");
  }
}

package io.trailwatch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * Appends each test class's wall time to {@code target/test-class-times.txt} of the module
 * ({@code seconds class}, one line per class): where the suite's time goes (docs/testing.md).
 * Surefire's own per-class times are wrong when one JVM runs two classes at a time (it files a
 * class's tests under whichever class ran beside it); these are measured from the class's start
 * to its end, {@code @BeforeAll} and {@code @AfterAll} included. Registered as a service, so every
 * module's tests record theirs; several test JVMs of a module append to the same file.
 */
public final class ClassTimes implements TestExecutionListener {
  private final Map<String, Long> started = new ConcurrentHashMap<>();

  @Override
  public void executionStarted(TestIdentifier id) {
    className(id).ifPresent(c -> started.put(id.getUniqueId(), System.nanoTime()));
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    Long start = started.remove(id.getUniqueId());
    className(id).filter(c -> start != null).ifPresent(c -> append(String.format(java.util.Locale.ROOT,
        "%.1f %s%n", (System.nanoTime() - start) / 1e9, c)));
  }

  private static java.util.Optional<String> className(TestIdentifier id) {
    return id.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getClassName());
  }

  private static void append(String line) {
    Path target = Path.of("target");
    if (!Files.isDirectory(target)) {
      return;
    }
    try {
      Files.writeString(target.resolve("test-class-times.txt"), line, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      // A figure lost, nothing else: the listener must never fail a test run.
    }
  }
}

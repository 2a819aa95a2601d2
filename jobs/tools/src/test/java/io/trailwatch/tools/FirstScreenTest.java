package io.trailwatch.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.CommandRun;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer sees first: {@code trailwatch --help} in a JVM started with bin/trailwatch's own
 * options (read from the script) prints trailwatch's usage as its first line, and nothing on
 * stderr (no JVM warning such as "Using incubator modules").
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FirstScreenTest {
  @TempDir Path dir;

  @Test
  void helpStartsWithTrailwatchsOwnLineAndNoJvmWarning() throws Exception {
    List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseParallelGC"));
    options.addAll(scriptJavaOptions(Path.of("../../bin/trailwatch")));
    List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));

    CommandRun run = CommandRun.inJvm(options, classPath, ToolsMain.class.getName(), List.of("--help"), Map.of(), dir,
        "help", Duration.ofSeconds(90));

    assertEquals(0, run.code(), run.err());
    assertEquals("", run.err(), "nothing before or beside the usage");
    assertTrue(run.out().startsWith("Usage: trailwatch "), run.out());
  }

  /** The {@code java_opens=( ... )} array of bin/trailwatch: the options every command's JVM gets. */
  static List<String> scriptJavaOptions(Path script) throws Exception {
    List<String> out = new ArrayList<>();
    boolean in = false;
    for (String line : Files.readAllLines(script)) {
      String t = line.strip();
      if (t.equals("java_opens=(")) {
        in = true;
      } else if (in && t.equals(")")) {
        return out;
      } else if (in && !t.isEmpty() && !t.startsWith("#")) {
        out.add(t);
      }
    }
    throw new AssertionError("no java_opens=( ... ) in " + script);
  }
}

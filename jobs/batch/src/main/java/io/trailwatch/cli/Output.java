package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.core.RunSummary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** How commands print summaries and write them to files. */
public final class Output {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Output() {}

  public static void print(RunSummary s, PrintStream out) {
    out.printf("%s %s  %s .. %s%n", s.command(), String.join(",", s.businessUnits()), s.windowFrom(), s.windowTo());
    out.printf("  files read          %,d (%,d quarantined, %.1f MB)%n", s.filesRead(), s.filesQuarantined(),
        s.bytesRead() / 1e6);
    out.printf("  records read        %,d (%,d in window, %,d quarantined, %,d duplicates dropped)%n",
        s.recordsRead(), s.recordsInWindow(), s.recordsQuarantined(), s.duplicatesDropped());
    out.printf("  principals          %,d%n", s.principals());
    out.printf("  behaviours          %,d (%,d new)%n", s.behaviors(), s.newBehaviors());
    if (s.command().equals(io.trailwatch.core.RunKind.DETECT.label())) {
      out.printf("  alerts              %,d%s%n", s.alerts().size(), s.quiet().isEmpty() ? ""
          : "  (quiet principals: " + s.quiet() + ")");
    }
    if (!s.delivery().sinks().isEmpty()) {
      out.printf("  delivery            %s%n", s.delivery().describe());
    }
    out.printf("  seconds             %.1f%n", s.seconds());
  }

  public static void writeSummary(Path file, RunSummary s) {
    writeSummary(file, s, java.util.Map.of());
  }

  /** The summary's JSON with more fields after its own ({@code detect}'s missing and filled hours). */
  public static void writeSummary(Path file, RunSummary s, java.util.Map<String, Object> more) {
    if (file == null) {
      return;
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(s.toMap());
      m.putAll(more);
      Files.writeString(file, JSON.writeValueAsString(m) + "\n");
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot write --summary-out %s: %s", file, e.getMessage());
    }
  }
}

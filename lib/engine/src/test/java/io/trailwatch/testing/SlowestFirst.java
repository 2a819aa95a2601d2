package io.trailwatch.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.ClassDescriptor;

/**
 * The engine's test classes in an order that starts the slowest first, for the one test JVM that
 * runs two classes at a time (docs/testing.md). Without it, the slowest class may start last and
 * run alone for minutes while the other thread has nothing left to do.
 *
 * <p>JUnit's fork-join executor takes the classes from both ends of this order: the thread that
 * forked them runs the last one first, then the one before it; the other thread takes the first,
 * then the second. So the slowest classes go to both ends, alternately (1st, 3rd, 5th... from the
 * front; 2nd, 4th, 6th... from the back), and every other class goes between them, by name.
 * A wrong or stale list costs time, never a result: the order of classes changes nothing else.
 */
public final class SlowestFirst implements ClassOrderer {
  /** Slowest first, as measured in the whole suite (docs/testing.md). A new slow class goes here. */
  static final List<String> SLOWEST = List.of(
      "io.trailwatch.state.MaintenanceAfterHourlyRunsTest",
      "io.trailwatch.pipeline.BuildLikeHourlyRunsTest",
      "io.trailwatch.pipeline.DetectionTest",
      "io.trailwatch.backtest.BacktestTest",
      "io.trailwatch.state.MaintenanceTest",
      "io.trailwatch.state.SqlFilesTest",
      "io.trailwatch.pipeline.ResumableBaselineBuildTest",
      "io.trailwatch.pipeline.DimensionsDetectionTest",
      "io.trailwatch.baseline.MirrorSyncTest",
      "io.trailwatch.state.BaselineTableTest",
      "io.trailwatch.pipeline.TrailCoverageTest",
      "io.trailwatch.state.PrincipalRowsTest");

  @Override
  public void orderClasses(ClassOrdererContext context) {
    List<ClassDescriptor> slow = new ArrayList<>();
    List<ClassDescriptor> rest = new ArrayList<>();
    for (ClassDescriptor c : context.getClassDescriptors()) {
      (SLOWEST.contains(c.getTestClass().getName()) ? slow : rest).add(c);
    }
    slow.sort(Comparator.comparingInt(c -> SLOWEST.indexOf(c.getTestClass().getName())));
    rest.sort(Comparator.comparing(c -> c.getTestClass().getName()));
    List<ClassDescriptor> front = new ArrayList<>();
    List<ClassDescriptor> back = new ArrayList<>();
    for (int i = 0; i < slow.size(); i++) {
      (i % 2 == 0 ? front : back).add(slow.get(i));
    }
    Collections.reverse(back);
    List<ClassDescriptor> order = new ArrayList<>(front);
    order.addAll(rest);
    order.addAll(back);
    context.getClassDescriptors().sort(Comparator.comparingInt(order::indexOf));
  }
}

package io.trailwatch.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.ClassDescriptor;

/**
 * Test classes in an order that starts the slowest first, for a test JVM that runs two classes at
 * a time (docs/testing.md). Without it, the slowest class may start last and run alone for minutes
 * while the other thread has nothing left to do. The module's {@code junit-platform.properties}
 * names its slowest classes, slowest first, in {@value #SLOWEST}, by simple name.
 *
 * <p>JUnit's fork-join executor takes the classes from both ends of this order: the thread that
 * forked them runs the last one first, then the one before it; the other thread takes the first,
 * then the second. So the slowest classes go to both ends, alternately (1st, 3rd, 5th... from the
 * front; 2nd, 4th, 6th... from the back), and every other class goes between them, by name.
 * A wrong or stale list costs time, never a result: the order of classes changes nothing else.
 */
public final class SlowestFirst implements ClassOrderer {
  /** The configuration parameter that lists the module's slowest classes. */
  public static final String SLOWEST = "trailwatch.test.slowest-first";

  @Override
  public void orderClasses(ClassOrdererContext context) {
    List<String> slowest = context.getConfigurationParameter(SLOWEST).stream()
        .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip).filter(n -> !n.isEmpty()).toList();
    List<ClassDescriptor> slow = new ArrayList<>();
    List<ClassDescriptor> rest = new ArrayList<>();
    for (ClassDescriptor c : context.getClassDescriptors()) {
      (slowest.contains(c.getTestClass().getSimpleName()) ? slow : rest).add(c);
    }
    slow.sort(Comparator.comparingInt(c -> slowest.indexOf(c.getTestClass().getSimpleName())));
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

package io.trailwatch.tools;

import io.trailwatch.cli.Main;
import java.util.List;

/**
 * {@code bin/trailwatch}: the production commands ({@link Main}) plus the tools that never ship
 * to EMR: generate, demo, bench, bench-plan, bench-hec, backtest and soak.
 */
public final class ToolsMain {
  private ToolsMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return Main.run(List.of(new GenerateCommand(), new DemoCommand(), new BenchCommand(), new BenchPlanCommand(),
        new BenchHecCommand(), new BacktestCommand(), new SoakCommand()), args);
  }
}

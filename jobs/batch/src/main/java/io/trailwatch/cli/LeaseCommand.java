package io.trailwatch.cli;

import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.accounts.BusinessUnits;
import io.trailwatch.lease.Lease;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "lease", mixinStandardHelpOptions = true,
    description = {"Run a command while holding a business unit's lease: what anything else that writes the BU's"
        + " tables (a notebook's OPTIMIZE, a script) must do, so that trailwatch's own runs wait or are refused"
        + " meanwhile. The lease is renewed while the command runs and released when it ends.",
        "",
        "Exit status: the command's; 3 [BU_BUSY] when another run holds the lease (see --wait).",
        "Example: trailwatch lease --state s3://bucket/tw --bu payments -- spark-submit optimize.py"})
final class LeaseCommand implements Callable<Integer> {
  @Option(names = "--state", required = true, paramLabel = "DIR|S3", description = "The state's folder or s3://bucket/prefix")
  String state;

  @Option(names = "--bu", required = true, paramLabel = "NAME", description = "The business unit whose lease to hold")
  String bu;

  @Mixin ConfigOption config;

  @Mixin LeaseOption lease;

  @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command to run, after --")
  List<String> command;

  @Override
  public Integer call() {
    if (!BusinessUnits.isValid(bu)) {
      throw TrailwatchException.of(ErrorCode.UNKNOWN_BU, "Cannot lease --bu %s: not a business unit name", bu);
    }
    TrailwatchConfig cfg = config.load();
    try (Lease held = LeaseOption.leases(Options.stateRoot(state), cfg).take(bu, "lease", lease.waitFor())) {
      System.err.println("trailwatch: holding the lease of " + bu + " as " + held.holder().runId());
      Process p;
      try {
        p = new ProcessBuilder(command).inheritIO().start();
      } catch (IOException e) {
        throw TrailwatchException.of(ErrorCode.BAD_LEASE_COMMAND, "Cannot run %s: %s", command.get(0), e.getMessage());
      }
      try {
        return p.waitFor();
      } catch (InterruptedException e) {
        p.destroy();
        Thread.currentThread().interrupt();
        throw TrailwatchException.wrap(ErrorCode.INTERRUPTED, e, "Interrupted while %s ran", command.get(0));
      }
    }
  }
}

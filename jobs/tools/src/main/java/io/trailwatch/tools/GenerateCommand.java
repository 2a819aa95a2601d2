package io.trailwatch.tools;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.generate.GeneratedOrg;
import io.trailwatch.generate.GeneratorSpec;
import io.trailwatch.generate.SyntheticOrg;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Write a synthetic organisation's CloudTrail logs (with injected incidents), accounts.csv and manifest.json.")
final class GenerateCommand implements Callable<Integer> {
  private static final GeneratorSpec D = GeneratorSpec.defaults();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (logs/, accounts.csv, manifest.json)")
  Path out;

  @Option(names = "--days", paramLabel = "N", description = "Days of history, the last hour being the incident hour (default: ${DEFAULT-VALUE})")
  int days = D.days();

  @Option(names = "--accounts", paramLabel = "N", description = "Accounts (default: ${DEFAULT-VALUE})")
  int accounts = D.accounts();

  @Option(names = "--principals", paramLabel = "N", description = "Principals per account (default: ${DEFAULT-VALUE})")
  int principals = D.principalsPerAccount();

  @Option(names = "--events-per-hour", paramLabel = "N", description = "Background events per account and hour (default: ${DEFAULT-VALUE})")
  int eventsPerHour = D.eventsPerHour();

  @Option(names = "--seed", paramLabel = "N", description = "Random seed (default: ${DEFAULT-VALUE})")
  long seed = D.seed();

  @Override
  public Integer call() {
    GeneratorSpec spec;
    try {
      spec = new GeneratorSpec(days, accounts, principals, eventsPerHour, seed, D.end()).validate();
    } catch (IllegalArgumentException e) {
      throw TrailwatchException.of(ErrorCode.BAD_GENERATOR_OPTION, "Cannot generate: %s", e.getMessage());
    }
    long t0 = System.nanoTime();
    GeneratedOrg org;
    try {
      org = SyntheticOrg.generate(spec, out);
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.OUTPUT_NOT_WRITABLE, "Cannot write to --out %s: %s", out, e.getMessage());
    }
    System.out.printf("generated %,d events in %,d files under %s in %.1fs%n", org.events(), org.files(),
        org.logsDir(), (System.nanoTime() - t0) / 1e9);
    System.out.printf("accounts: %s%nmanifest: %s%nincident hour: %s%n", org.accountsCsv(), org.manifest(),
        org.incidentHour());
    return 0;
  }
}

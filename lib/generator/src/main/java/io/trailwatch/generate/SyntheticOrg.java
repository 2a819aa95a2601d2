package io.trailwatch.generate;

import com.fasterxml.jackson.core.JsonFactory;
import io.trailwatch.accounts.Accounts;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A synthetic AWS Organization's CloudTrail history, laid out like the S3 bucket, with incidents
 * injected in the last hour and the list of alerts a correct detector raises (and must not raise).
 *
 * <p>Deterministic: the same spec gives the same bytes, whatever the number of threads.
 */
public final class SyntheticOrg {
  private SyntheticOrg() {}

  /** Writes logs + accounts.csv + manifest.json under outDir, returns a summary. Deterministic for a given spec. */
  public static GeneratedOrg generate(GeneratorSpec spec, Path outDir) throws IOException {
    return generate(spec, outDir, spec.hours());
  }

  /**
   * Like {@link #generate(GeneratorSpec, Path)} but writes only the last {@code lastHours} hours of the
   * spec's history (1 = the incident hour alone): for benchmarks, where history at bench volume would
   * be 24 times the hour. The hours written are the same bytes the full history holds for them.
   */
  public static GeneratedOrg generate(GeneratorSpec spec, Path outDir, int lastHours) throws IOException {
    return generate(spec, outDir, lastHours, Runtime.getRuntime().availableProcessors());
  }

  static GeneratedOrg generate(GeneratorSpec spec, Path outDir, int lastHours, int threads) throws IOException {
    spec.validate();
    if (lastHours < 1 || lastHours > spec.hours()) {
      throw new IllegalArgumentException("lastHours must be between 1 and days * 24 = " + spec.hours() + ", was " + lastHours);
    }
    Path logs = outDir.resolve("logs");
    if (Files.isDirectory(logs)) {
      try (Stream<Path> s = Files.list(logs)) {
        if (s.findAny().isPresent()) {
          throw new IOException("Cannot generate into " + logs + ": it is not empty (generated files would mix with old ones)");
        }
      }
    }
    Files.createDirectories(logs);
    OrgModel org = new OrgModel(spec);
    JsonFactory json = new JsonFactory();
    int fromHour = spec.hours() - lastHours;

    List<AccountGenerator> done = run(org, logs, json, fromHour, Math.max(1, Math.min(threads, spec.accounts())));
    long records = 0;
    long distinct = 0;
    long duplicates = 0;
    long files = 0;
    long digests = 0;
    long incidentRecords = 0;
    long incidentDuplicates = 0;
    for (AccountGenerator g : done) {
      records += g.records;
      distinct += g.distinct;
      duplicates += g.duplicates;
      files += g.files;
      digests += g.digests;
      incidentRecords += g.incidentRecords;
      incidentDuplicates += g.incidentDuplicates;
    }

    Path accountsCsv = outDir.resolve("accounts.csv");
    Files.writeString(accountsCsv, Accounts.format(org.accounts.stream()
        .map(a -> new io.trailwatch.accounts.Account(a.id, a.name, a.businessUnit)).toList()), StandardCharsets.UTF_8);

    List<ExpectedAlert> alerts = org.expectedAlerts();
    List<ExpectedQuiet> quiet = org.expectedQuiet();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("generator", SyntheticOrg.class.getName());
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("days", spec.days());
    s.put("accounts", spec.accounts());
    s.put("principalsPerAccount", spec.principalsPerAccount());
    s.put("eventsPerHour", spec.eventsPerHour());
    s.put("seed", spec.seed());
    s.put("end", spec.end().toString());
    m.put("spec", s);
    m.put("historyStart", spec.start().toString());
    m.put("firstGeneratedHour", spec.start().plusSeconds(3600L * fromHour).toString());
    m.put("end", spec.end().toString());
    m.put("incidentHour", spec.incidentHour().toString());
    m.put("logsDir", "logs");
    m.put("events", records);
    m.put("distinctEvents", distinct);
    m.put("duplicateRecords", duplicates);
    m.put("files", files);
    m.put("digestFiles", digests);
    m.put("incidentHourRecords", incidentRecords);
    m.put("incidentHourDuplicates", incidentDuplicates);
    List<Map<String, Object>> accts = new ArrayList<>();
    for (Account a : org.accounts) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("accountId", a.id);
      x.put("name", a.name);
      x.put("businessUnit", a.businessUnit);
      x.put("logPrefix", a.logPrefix);
      accts.add(x);
    }
    m.put("accounts", accts);
    m.put("expectedAlerts", alerts);
    m.put("expectedQuiet", quiet);
    Path manifest = outDir.resolve("manifest.json");
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(manifest.toFile(), m);

    return new GeneratedOrg(logs, accountsCsv, manifest, spec.incidentHour(), records, files, alerts, quiet,
        new HourCounts(incidentRecords, incidentDuplicates));
  }

  private static List<AccountGenerator> run(OrgModel org, Path logs, JsonFactory json, int fromHour, int threads)
      throws IOException {
    List<AccountGenerator> gens = new ArrayList<>();
    for (Account a : org.accounts) {
      gens.add(new AccountGenerator(org, a, logs, json, fromHour));
    }
    if (threads == 1) {
      for (AccountGenerator g : gens) {
        g.call();
      }
      return gens;
    }
    AtomicInteger seq = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "synthetic-org-" + seq.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<AccountGenerator>> futures = new ArrayList<>();
      for (AccountGenerator g : gens) {
        futures.add(pool.submit(g));
      }
      for (Future<AccountGenerator> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          if (c instanceof IOException io) {
            throw io;
          }
          if (c instanceof UncheckedIOException u) {
            throw u.getCause();
          }
          if (c instanceof RuntimeException re) {
            throw re;
          }
          throw new IllegalStateException("generator failed", c);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while generating", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return gens;
  }
}

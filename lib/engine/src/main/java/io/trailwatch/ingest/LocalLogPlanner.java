package io.trailwatch.ingest;

import io.trailwatch.core.QuarantineReason;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.accounts.Account;

import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Plans files in a local folder laid out like a CloudTrail bucket ({@code [prefix/]AWSLogs/...}). */
public final class LocalLogPlanner implements LogPlanner {
  private final Path awsLogs;

  /** @param logsDir the folder that holds {@code AWSLogs/} (or {@code AWSLogs/} itself) */
  public LocalLogPlanner(Path logsDir) {
    if (!Files.isDirectory(logsDir)) {
      throw TrailwatchException.of(ErrorCode.LOGS_NOT_FOUND, "Cannot read --logs %s: no such folder", logsDir);
    }
    Path p = logsDir.resolve("AWSLogs");
    if (Files.isDirectory(p)) {
      this.awsLogs = p;
    } else if (logsDir.getFileName() != null && logsDir.getFileName().toString().equals("AWSLogs")) {
      this.awsLogs = logsDir;
    } else {
      throw TrailwatchException.of(ErrorCode.LOGS_NOT_CLOUDTRAIL,
          "Cannot read --logs %s: it has no AWSLogs/ folder (expected the layout AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/)",
          logsDir);
    }
  }

  @Override
  public String describe() {
    return awsLogs.toString();
  }

  @Override
  public Plan plan(List<Account> accounts, Instant fileTimeFrom, Instant fileTimeTo) {
    List<LogFile> files = new ArrayList<>();
    List<QuarantineEntry> rejected = new ArrayList<>();
    List<Path> orgFolders = orgFolders();
    for (Account account : accounts) {
      for (Path trail : trailFolders(account, orgFolders)) {
        for (Path regionDir : list(trail)) {
          if (!Files.isDirectory(regionDir)) {
            continue;
          }
          String region = regionDir.getFileName().toString();
          for (LocalDate day = day(fileTimeFrom); !day.isAfter(day(fileTimeTo)); day = day.plusDays(1)) {
            Path dayDir = regionDir.resolve(String.format("%04d/%02d/%02d", day.getYear(), day.getMonthValue(),
                day.getDayOfMonth()));
            if (Files.isDirectory(dayDir)) {
              planDay(dayDir, account, region, fileTimeFrom, fileTimeTo, files, rejected);
            }
          }
        }
      }
    }
    files.sort(Comparator.comparing(LogFile::uri));
    return new Plan(List.copyOf(files), List.copyOf(rejected));
  }

  private void planDay(Path dayDir, Account account, String region, Instant from, Instant to, List<LogFile> files,
      List<QuarantineEntry> rejected) {
    for (Path f : list(dayDir)) {
      String name = f.getFileName().toString();
      if (!Files.isRegularFile(f)) {
        continue;
      }
      Optional<LogFileName> parsed = LogFileName.parse(name);
      if (parsed.isEmpty() || !parsed.get().accountId().equals(account.id())
          || !parsed.get().region().equals(region)) {
        rejected.add(new QuarantineEntry(f.toUri().toString(), QuarantineEntry.WHOLE_FILE, null,
            QuarantineReason.UNEXPECTED_FILE_NAME, "not a CloudTrail log file name for account " + account.id() + " in "
                + region, account.businessUnit(), account.id()));
        continue;
      }
      Instant t = parsed.get().time();
      if (!t.isBefore(from) && !t.isAfter(to)) {
        files.add(new LogFile(f.toUri().toString(), account.id(), account.businessUnit(), region, t, size(f)));
      }
    }
  }

  private List<Path> orgFolders() {
    List<Path> out = new ArrayList<>();
    for (Path p : list(awsLogs)) {
      if (p.getFileName().toString().startsWith("o-") && Files.isDirectory(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private List<Path> trailFolders(Account account, List<Path> orgFolders) {
    List<Path> out = new ArrayList<>();
    Path direct = awsLogs.resolve(account.id()).resolve("CloudTrail");
    if (Files.isDirectory(direct)) {
      out.add(direct);
    }
    for (Path org : orgFolders) {
      Path p = org.resolve(account.id()).resolve("CloudTrail");
      if (Files.isDirectory(p)) {
        out.add(p);
      }
    }
    return out;
  }

  private static LocalDate day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC);
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      return 0;
    }
  }

  private static List<Path> list(Path dir) {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(out::add);
    } catch (IOException e) {
      throw TrailwatchException.wrap(ErrorCode.LOGS_NOT_READABLE, e, "Cannot list %s: %s", dir, e.getMessage());
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }
}

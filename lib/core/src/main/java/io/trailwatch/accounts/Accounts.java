package io.trailwatch.accounts;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** The accounts file: CSV with header {@code account_id,name,business_unit}. */
public final class Accounts {
  public static final String HEADER = "account_id,name,business_unit";
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  private Accounts() {}

  public static List<Account> read(Path csv) {
    List<String> lines;
    try {
      lines = Files.readAllLines(csv);
    } catch (NoSuchFileException e) {
      throw TrailwatchException.of(ErrorCode.ACCOUNTS_NOT_FOUND, "Cannot read --accounts %s: no such file", csv);
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.ACCOUNTS_NOT_READABLE, "Cannot read --accounts %s: %s", csv, e.getMessage());
    }
    return parse(lines, csv.toString());
  }

  static List<Account> parse(List<String> lines, String origin) {
    if (lines.isEmpty() || !lines.get(0).strip().replace("\uFEFF", "").equals(HEADER)) {
      throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s: the first line must be '%s'",
          origin, HEADER);
    }
    List<Account> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] cols = line.split(",", -1);
      int n = i + 1;
      if (cols.length != 3) {
        throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s line %d: expected 3 columns, found %d",
            origin, n, cols.length);
      }
      String id = cols[0].strip();
      String bu = cols[2].strip();
      if (!ACCOUNT_ID.matcher(id).matches()) {
        throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s line %d: account_id '%s' is not 12 digits",
            origin, n, id);
      }
      if (!BusinessUnits.isValid(bu)) {
        throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE,
            "Cannot read accounts file %s line %d: business_unit '%s' must be 1-64 letters, digits, '_', '.' or '-'",
            origin, n, bu);
      }
      if (!ids.add(id)) {
        throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s line %d: account %s is listed twice",
            origin, n, id);
      }
      out.add(new Account(id, cols[1].strip(), bu));
    }
    if (out.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s: it lists no accounts", origin);
    }
    return List.copyOf(out);
  }

  /** The accounts of one business unit, or all when {@code bu} is null ({@link AccountList#ofBusinessUnit}). */
  public static List<Account> ofBusinessUnit(List<Account> all, String bu) {
    return new AccountList(all, List.of(), "the account list").ofBusinessUnit(bu).accounts();
  }
}

package io.trailwatch.accounts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The accounts file: CSV (RFC 4180) with header {@code account_id,name,business_unit}. A name
 * may hold commas, quotes and line breaks when quoted ({@code "Payments, EU"},
 * {@code "The ""A"" team"}); blank lines and lines starting with {@code #} are skipped.
 *
 * <p>Read and written with Jackson's {@code jackson-dataformat-csv}: it handles quoting both ways,
 * reports the line of a malformed record, and comes at the Jackson version the project (and
 * Spark) already pins, so it adds no new library family to the class path.
 */
public final class Accounts {
  public static final String HEADER = "account_id,name,business_unit";
  private static final List<String> COLUMNS = List.of("account_id", "name", "business_unit");
  private static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
  private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
  private static final CsvSchema SCHEMA = CsvSchema.emptySchema().withComments().withLineSeparator("\n");

  private Accounts() {}

  public static List<Account> read(Path csv) {
    String text;
    try {
      text = Files.readString(csv, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw TrailwatchException.of(ErrorCode.ACCOUNTS_NOT_FOUND, "Cannot read --accounts %s: no such file", csv);
    } catch (IOException | UncheckedIOException e) {
      throw TrailwatchException.of(ErrorCode.ACCOUNTS_NOT_READABLE, "Cannot read --accounts %s: %s", csv, e.getMessage());
    }
    return parse(text, csv.toString());
  }

  /** The accounts in {@code text}, an accounts file's content; {@code origin} names it in errors. */
  static List<Account> parse(String text, String origin) {
    List<Record> records = records(text.startsWith("\uFEFF") ? text.substring(1) : text, origin);
    if (records.isEmpty() || !records.get(0).cells().stream().map(String::strip).toList().equals(COLUMNS)) {
      throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s: the first line must be '%s'",
          origin, HEADER);
    }
    List<Account> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Record r : records.subList(1, records.size())) {
      List<String> cols = r.cells();
      int n = r.line();
      if (cols.size() != 3) {
        throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s line %d: expected 3 columns, found %d",
            origin, n, cols.size());
      }
      String id = cols.get(0).strip();
      String bu = cols.get(2).strip();
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
      out.add(new Account(id, cols.get(1).strip(), bu));
    }
    if (out.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s: it lists no accounts", origin);
    }
    return List.copyOf(out);
  }

  /** One CSV record and the line it starts on (1-based). */
  private record Record(int line, List<String> cells) {}

  private static List<Record> records(String text, String origin) {
    List<Record> out = new ArrayList<>();
    int line = 1;
    try (CsvParser p = (CsvParser) CSV.getFactory().createParser(text)) {
      p.setSchema(SCHEMA);
      // Without named columns, the parser gives each record as an array of strings.
      while (p.nextToken() == JsonToken.START_ARRAY) {
        List<String> cells = new ArrayList<>();
        while (p.nextToken() == JsonToken.VALUE_STRING) {
          if (cells.isEmpty()) {
            line = p.currentTokenLocation().getLineNr();
          }
          cells.add(p.getText());
        }
        if (!(cells.size() == 1 && cells.get(0).isBlank())) {
          out.add(new Record(line, cells));
        }
      }
    } catch (JsonProcessingException e) {
      // The record that started last is the one that does not parse (e.g. a quote never closed).
      throw TrailwatchException.of(ErrorCode.BAD_ACCOUNTS_FILE, "Cannot read accounts file %s line %d: not valid CSV (%s)",
          origin, line, e.getOriginalMessage());
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.ACCOUNTS_NOT_READABLE, "Cannot read accounts file %s: %s", origin, e.getMessage());
    }
    return out;
  }

  /** The accounts file for {@code accounts}: the header, then one line per account, quoted where a name needs it. */
  public static String format(List<Account> accounts) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(COLUMNS);
    for (Account a : accounts) {
      rows.add(List.of(a.id(), a.name() == null ? "" : a.name(), a.businessUnit()));
    }
    try {
      return CSV.writer(SCHEMA).writeValueAsString(rows);
    } catch (JsonProcessingException e) {
      throw TrailwatchException.wrap(ErrorCode.BUG, e, "Cannot write the accounts as CSV");
    }
  }

  /** The accounts of one business unit, or all when {@code bu} is null ({@link AccountList#ofBusinessUnit}). */
  public static List<Account> ofBusinessUnit(List<Account> all, String bu) {
    return new AccountList(all, List.of(), "the account list").ofBusinessUnit(bu).accounts();
  }
}

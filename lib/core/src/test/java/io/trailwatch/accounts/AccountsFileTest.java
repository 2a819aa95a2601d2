package io.trailwatch.accounts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accounts file as a user writes it: quoted names round-trip, a broken file is a USER error. */
class AccountsFileTest {
  @TempDir Path dir;

  static ErrorCode codeOf(String text) {
    return assertThrows(TrailwatchException.class, () -> Accounts.parse(text, "accounts.csv")).code();
  }

  @Test
  void namesWithCommasQuotesAndLineBreaksRoundTrip() throws Exception {
    List<Account> accounts = List.of(
        new Account("111111111111", "Payments, EU", "payments"),
        new Account("222222222222", "The \"A\" team", "payments"),
        new Account("333333333333", "two\nlines", "shop"),
        new Account("444444444444", "plain", "shop"));
    Path csv = Files.writeString(dir.resolve("accounts.csv"), Accounts.format(accounts));
    assertEquals(accounts, Accounts.read(csv));
    assertEquals(accounts, new CsvAccountDirectory(csv).accounts().accounts());
  }

  @Test
  void quotedFieldsWrittenByHandAreRead() {
    String text = "\uFEFFaccount_id,name,business_unit\n"
        + "# a comment\n"
        + "\n"
        + "111111111111,\"Payments, EU\",payments\n"
        + "222222222222,\"The \"\"A\"\" team\",payments\r\n"
        + "333333333333, plain ,shop\n";
    assertEquals(List.of(new Account("111111111111", "Payments, EU", "payments"),
        new Account("222222222222", "The \"A\" team", "payments"),
        new Account("333333333333", "plain", "shop")), Accounts.parse(text, "accounts.csv"));
  }

  @Test
  void malformedFilesAreUserErrors() {
    String header = Accounts.HEADER + "\n";
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf(header + "111111111111,\"Payments, EU,payments\n"));
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf(header + "111111111111,Payments, EU,payments\n"));
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf("id,name\n111111111111,x\n"));
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf(header));
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf(header + "111111111111,a,pay\n111111111111,b,pay\n"));
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf(header + "1111,a,pay\n"));
    assertEquals(ErrorCode.BAD_ACCOUNTS_FILE, codeOf(header + "111111111111,a,pay ments\n"));
  }

  @Test
  void aMissingOrUnreadableFileIsAUserError() throws Exception {
    assertEquals(ErrorCode.ACCOUNTS_NOT_FOUND, assertThrows(TrailwatchException.class,
        () -> Accounts.read(dir.resolve("missing.csv"))).code());
    Path folder = Files.createDirectories(dir.resolve("a-folder.csv"));
    assertEquals(ErrorCode.ACCOUNTS_NOT_READABLE, assertThrows(TrailwatchException.class,
        () -> Accounts.read(folder)).code());
  }
}

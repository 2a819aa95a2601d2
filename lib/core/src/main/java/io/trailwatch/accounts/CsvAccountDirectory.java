package io.trailwatch.accounts;

import java.nio.file.Path;
import java.util.List;

/** The accounts file ({@link Accounts}: {@code account_id,name,business_unit}) as a directory; it leaves no account out. */
public record CsvAccountDirectory(Path csv) implements AccountDirectory {
  @Override
  public AccountList accounts() {
    return new AccountList(Accounts.read(csv), List.of(), csv.toString());
  }
}

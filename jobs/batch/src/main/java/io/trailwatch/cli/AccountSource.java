package io.trailwatch.cli;

import io.trailwatch.accounts.AccountDirectory;
import io.trailwatch.accounts.AccountList;
import io.trailwatch.accounts.CsvAccountDirectory;
import io.trailwatch.accounts.UnassignedAccount;
import io.trailwatch.aws.OrganizationsDirectory;
import io.trailwatch.config.AccountsConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --accounts CSV} or {@code --org}: where the accounts and their business units come from (exactly one;
 * an exclusive {@code @ArgGroup} of baseline, detect, accounts and backtest).
 */
public final class AccountSource {
  @Option(names = "--accounts", required = true, paramLabel = "CSV",
      description = "CSV with header account_id,name,business_unit")
  Path accounts;

  @Option(names = "--org", required = true,
      description = "Accounts and business units from AWS Organizations (config section accounts:, docs/dynamodb.md)")
  boolean org;

  /** The accounts, fetched once; accounts left out are listed on {@code err}. */
  public AccountList list(AccountsConfig cfg, PrintStream err) {
    AccountList list;
    if (org) {
      try (OrganizationsDirectory d = OrganizationsDirectory.create(cfg)) {
        list = d.accounts();
      }
    } else {
      AccountDirectory d = new CsvAccountDirectory(accounts);
      list = d.accounts();
    }
    report(list, err);
    return list;
  }

  static void report(AccountList list, PrintStream err) {
    if (list.unassigned().isEmpty()) {
      return;
    }
    err.printf("trailwatch: %d account(s) of %s are in no business unit and are not monitored:%n",
        list.unassigned().size(), list.source());
    for (UnassignedAccount u : list.unassigned()) {
      err.printf("  %s %s: %s%n", u.id(), u.name(), u.reason());
    }
  }
}

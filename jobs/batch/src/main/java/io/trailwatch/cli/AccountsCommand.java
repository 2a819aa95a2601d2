package io.trailwatch.cli;

import io.trailwatch.accounts.AccountList;
import io.trailwatch.accounts.Accounts;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "accounts", mixinStandardHelpOptions = true,
    description = {"Print the monitored accounts as CSV (account_id,name,business_unit: a valid --accounts file) on"
        + " stdout, and the accounts in no business unit with the reason on stderr."})
final class AccountsCommand implements Callable<Integer> {
  @ArgGroup(exclusive = true, multiplicity = "1")
  AccountSource source;

  @Option(names = "--bu", paramLabel = "NAME", description = "Only this business unit's accounts (default: all)")
  String bu;

  @Mixin ConfigOption config;

  @Override
  public Integer call() {
    AccountList list = source.list(config.load().accounts(), System.err).ofBusinessUnit(bu);
    String out = Accounts.format(list.accounts());
    System.out.print(out);
    System.out.flush();
    return 0;
  }
}

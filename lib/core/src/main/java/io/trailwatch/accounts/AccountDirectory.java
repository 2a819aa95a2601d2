package io.trailwatch.accounts;

/**
 * Where the accounts of the organisation and their business units come from: a CSV file
 * ({@link CsvAccountDirectory}) or AWS Organizations ({@code io.trailwatch.aws.OrganizationsDirectory}).
 */
public interface AccountDirectory {
  /**
   * Every monitored account with its business unit, and the accounts left out with the reason.
   * One call per run: implementations may call remote services.
   */
  AccountList accounts();
}

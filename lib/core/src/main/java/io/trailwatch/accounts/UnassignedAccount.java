package io.trailwatch.accounts;

/**
 * An account of the organisation that belongs to no business unit, and why: it is not
 * monitored, and the command line says so instead of dropping it silently.
 *
 * @param reason e.g. {@code directly under the root}, {@code no tag 'business-unit'}, {@code state SUSPENDED}
 */
public record UnassignedAccount(String id, String name, String reason) {}

package io.trailwatch.accounts;

import java.io.Serializable;

/** One AWS account and the business unit it belongs to. */
public record Account(String id, String name, String businessUnit) implements Serializable {}

package io.trailwatch.core;

/** What a run of the ledger did: the {@code command} of its {@link RunSummary} and of its row in the runs table. */
public enum RunKind {
  /** An hourly detection run. */
  DETECT("detect"),
  /** One chunk of a baseline build or rebuild. */
  BASELINE("baseline");

  private final String label;

  RunKind(String label) {
    this.label = label;
  }

  /** The name in the runs table and in summaries. */
  public String label() {
    return label;
  }
}

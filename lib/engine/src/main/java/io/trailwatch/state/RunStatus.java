package io.trailwatch.state;

/** The {@code status} of a row of the runs table. */
public enum RunStatus {
  /** Everything else the run writes is stored: written last, so an hour counts as detected only then. */
  COMPLETED("completed");

  private final String label;

  RunStatus(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}

package io.trailwatch.lease;

import io.trailwatch.state.CommitFence;

/**
 * A business unit's lease while a run holds it: the fence of that BU's state (checked before
 * every commit) and released when closed. Only one run at a time holds a BU's lease.
 */
public interface Lease extends CommitFence, AutoCloseable {
  /** Who holds it: this run. */
  LeaseHolder holder();

  /** Gives the lease up (the next writer may take it at once). Never throws. */
  @Override
  void close();
}

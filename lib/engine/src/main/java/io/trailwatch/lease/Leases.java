package io.trailwatch.lease;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the leases of a state's business units are taken: an object per BU folder on S3
 * ({@code ObjectLeases} over a {@link LeaseStore}), a locked file per BU folder on a local disk
 * ({@link FileLeases}).
 */
public interface Leases {
  /**
   * Takes {@code businessUnit}'s lease for {@code command}, waiting up to {@code wait} for the
   * holder to give it up. Fails with {@code BU_BUSY}, naming the holder, when it is still held then.
   */
  Lease take(String businessUnit, String command, Duration wait);

  /** The holder of the business unit's lease now, if any (for {@code status}). */
  Optional<LeaseHolder> holder(String businessUnit);

  /** No lease at all: for tools and tests that own their state outright. */
  Leases NONE = new Leases() {
    @Override
    public Lease take(String businessUnit, String command, Duration wait) {
      LeaseHolder me = new LeaseHolder("none", command, LeaseHolder.thisHost(), java.time.Instant.now(),
          java.time.Instant.MAX);
      return new Lease() {
        @Override
        public LeaseHolder holder() {
          return me;
        }

        @Override
        public void check(String table) {}

        @Override
        public void close() {}
      };
    }

    @Override
    public Optional<LeaseHolder> holder(String businessUnit) {
      return Optional.empty();
    }
  };
}

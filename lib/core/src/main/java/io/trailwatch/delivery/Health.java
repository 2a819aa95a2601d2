package io.trailwatch.delivery;

/**
 * A sink's answer to "can you take alerts now?".
 *
 * @param ok true when it can
 * @param detail what the check saw, e.g. {@code HTTP 503 (HEC code 18: HEC is unhealthy)}; never a secret
 */
public record Health(boolean ok, String detail) {
  private static final Health OK = new Health(true, "healthy");

  public static Health healthy() {
    return OK;
  }

  public static Health unhealthy(String detail) {
    return new Health(false, detail);
  }
}

package io.trailwatch.mirror;

/**
 * What one {@link BaselineMirror#write} did, for the run ledger.
 *
 * @param items rows written
 * @param requests write requests sent (BatchWriteItem calls for DynamoDB), retries included
 * @param retried items sent again because the service left them unprocessed or throttled the call
 */
public record MirrorWrite(int items, int requests, int retried) {
  public static final MirrorWrite NONE = new MirrorWrite(0, 0, 0);

  public MirrorWrite plus(MirrorWrite o) {
    return new MirrorWrite(items + o.items, requests + o.requests, retried + o.retried);
  }
}

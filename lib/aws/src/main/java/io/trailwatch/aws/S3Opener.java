package io.trailwatch.aws;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Opens {@code s3://bucket/key} objects on executors with one GET each (SDK v2). Only the
 * settings travel with the task; each JVM builds one client per settings on first use and
 * keeps it. Any failure, a missing or forbidden object included, is an {@link IOException}
 * naming the object, so that the reader quarantines the file and the run goes on.
 *
 * <p>Why not s3a: opening a file through Hadoop's s3a costs a HEAD before the GET, and
 * CloudTrail means many small objects. On moto, 500 objects of 20 KB read by 2 threads took
 * 7.4-8.6 s with this opener and 13-17 s with s3a (1,000 requests against 2,000).
 */
public final class S3Opener implements io.trailwatch.ingest.LogOpener {
  private static final long serialVersionUID = 1L;
  /** Parallel reads a JVM makes: an executor's task slots, with room to spare. */
  private static final int MAX_CONNECTIONS = 64;
  private static final ConcurrentMap<S3Settings, S3Client> CLIENTS = new ConcurrentHashMap<>();

  private final S3Settings settings;

  public S3Opener(S3Settings settings) {
    this.settings = settings;
  }

  @Override
  public InputStream open(String uri) throws IOException {
    if (!S3Location.isS3(uri)) {
      throw new IOException("Cannot read " + uri + ": not an s3:// object");
    }
    String rest = uri.substring(uri.indexOf("://") + 3);
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw new IOException("Cannot read " + uri + ": expected s3://bucket/key");
    }
    String bucket = rest.substring(0, slash);
    String key = rest.substring(slash + 1);
    try {
      return client().getObject(b -> b.bucket(bucket).key(key));
    } catch (NoSuchKeyException e) {
      throw new FileNotFoundException("Cannot read " + uri + ": no such object (404 NoSuchKey)");
    } catch (S3Exception e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      throw new IOException("Cannot read " + uri + ": S3 answered " + e.statusCode() + " " + code, e);
    } catch (SdkException e) {
      throw new IOException("Cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  private S3Client client() {
    return CLIENTS.computeIfAbsent(settings, s -> S3Clients.create(s, MAX_CONNECTIONS, true));
  }
}

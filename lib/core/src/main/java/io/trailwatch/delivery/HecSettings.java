package io.trailwatch.delivery;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one Splunk HTTP Event Collector and what to put on each event. Built with
 * {@link #builder(URI, Secret)}; every check names its setting. Its {@code toString} shows the
 * token as {@code ***}.
 *
 * @param url the collector's base, {@code https://host:8088} (paths {@code /services/collector/...} are added)
 * @param token the HEC token, sent as {@code Authorization: Splunk <token>}
 * @param index the index, or null for the token's default index
 * @param sourcetype default {@code trailwatch:alert}
 * @param source default {@code trailwatch}
 * @param host the events' host, or null for the collector's default
 * @param maxBatchBytes a request's body at most this many bytes before gzip (Splunk Cloud: 1 MB)
 * @param gzip send bodies with {@code Content-Encoding: gzip}
 * @param acks indexer acknowledgement: an alert is sent only once acknowledged
 * @param ackTimeout how long to poll for acknowledgements before leaving the alerts pending
 * @param ackPollInterval the wait between acknowledgement polls
 * @param connectTimeout TCP and TLS connect timeout
 * @param readTimeout the longest wait for an answer to one request
 * @param caBundle PEM file of CAs to trust besides the JVM's, or null for the JVM's alone
 * @param maxAttempts attempts per request (retries on 503, 429, other 5xx, connection failures, timeouts)
 * @param backoffBase the first retry waits up to this long (full jitter), doubling each time
 * @param backoffCap no wait between retries longer than this
 */
public record HecSettings(URI url, Secret token, String index, String sourcetype, String source, String host,
    int maxBatchBytes, boolean gzip, boolean acks, Duration ackTimeout, Duration ackPollInterval,
    Duration connectTimeout, Duration readTimeout, Path caBundle, int maxAttempts, Duration backoffBase,
    Duration backoffCap) {

  public static final String DEFAULT_SOURCETYPE = "trailwatch:alert";
  public static final String DEFAULT_SOURCE = "trailwatch";
  public static final int DEFAULT_MAX_BATCH_BYTES = 1_000_000;
  /** Smallest request limit accepted: one alert with a few behaviours fits. */
  public static final int MIN_BATCH_BYTES = 1024;

  public HecSettings {
    Objects.requireNonNull(token, "token");
    checkUrl(url);
    index = blankToNull(index);
    host = blankToNull(host);
    sourcetype = sourcetype == null || sourcetype.isBlank() ? DEFAULT_SOURCETYPE : sourcetype.strip();
    source = source == null || source.isBlank() ? DEFAULT_SOURCE : source.strip();
    if (maxBatchBytes < MIN_BATCH_BYTES) {
      throw bad("hec.max-batch-bytes", String.valueOf(maxBatchBytes), "must be >= " + MIN_BATCH_BYTES);
    }
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw bad("hec.max-attempts", String.valueOf(maxAttempts), "must be between 1 and 100");
    }
    positive("hec.ack-timeout", ackTimeout);
    positive("hec.ack-poll-interval", ackPollInterval);
    positive("hec.connect-timeout", connectTimeout);
    positive("hec.read-timeout", readTimeout);
    positive("hec.backoff-base", backoffBase);
    positive("hec.backoff-cap", backoffCap);
    if (backoffCap.compareTo(backoffBase) < 0) {
      throw bad("hec.backoff-cap", backoffCap.toString(), "must be >= hec.backoff-base (" + backoffBase + ")");
    }
  }

  public static Builder builder(URI url, Secret token) {
    return new Builder(url, token);
  }

  /** A builder holding these settings, to change a few. */
  public Builder toBuilder() {
    Builder b = new Builder(url, token);
    b.index = index;
    b.sourcetype = sourcetype;
    b.source = source;
    b.host = host;
    b.maxBatchBytes = maxBatchBytes;
    b.gzip = gzip;
    b.acks = acks;
    b.ackTimeout = ackTimeout;
    b.ackPollInterval = ackPollInterval;
    b.connectTimeout = connectTimeout;
    b.readTimeout = readTimeout;
    b.caBundle = caBundle;
    b.maxAttempts = maxAttempts;
    b.backoffBase = backoffBase;
    b.backoffCap = backoffCap;
    return b;
  }

  /** The endpoint {@code path} ({@code /services/collector/event}) under {@link #url()}. */
  public URI endpoint(String path) {
    String base = url.toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
  }

  private static void checkUrl(URI url) {
    if (url == null) {
      throw TrailwatchException.of(ErrorCode.BAD_HEC_SETTING, "Cannot use hec.url: it is not set");
    }
    String s = url.getScheme();
    if (s == null || !(s.equals("https") || s.equals("http")) || url.getHost() == null) {
      throw bad("hec.url", url.toString(), "expected https://host[:port]");
    }
    if (url.getRawUserInfo() != null || url.getRawQuery() != null || url.getRawFragment() != null) {
      // A password in the URL would end up in messages; the token goes in its own setting.
      throw bad("hec.url", url.getScheme() + "://" + url.getHost() + ":" + url.getPort() + "/...",
          "no user, query or fragment allowed: give only scheme, host, port and path");
    }
  }

  private static void positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw bad(key, String.valueOf(d), "must be a positive duration");
    }
  }

  private static TrailwatchException bad(String key, String value, String why) {
    return TrailwatchException.of(ErrorCode.BAD_HEC_SETTING, "Cannot set %s to '%s': %s", key, value, why);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Builds {@link HecSettings}; every setting but the url and the token has a default. */
  public static final class Builder {
    private URI url;
    private final Secret token;
    private String index;
    private String sourcetype = DEFAULT_SOURCETYPE;
    private String source = DEFAULT_SOURCE;
    private String host;
    private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private boolean gzip;
    private boolean acks;
    private Duration ackTimeout = Duration.ofSeconds(60);
    private Duration ackPollInterval = Duration.ofSeconds(2);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofSeconds(30);
    private Path caBundle;
    private int maxAttempts = 8;
    private Duration backoffBase = Duration.ofMillis(250);
    private Duration backoffCap = Duration.ofSeconds(20);

    private Builder(URI url, Secret token) {
      this.url = url;
      this.token = token;
    }

    public Builder url(URI v) {
      url = v;
      return this;
    }

    public Builder index(String v) {
      index = v;
      return this;
    }

    public Builder sourcetype(String v) {
      sourcetype = v;
      return this;
    }

    public Builder source(String v) {
      source = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder maxBatchBytes(int v) {
      maxBatchBytes = v;
      return this;
    }

    public Builder gzip(boolean v) {
      gzip = v;
      return this;
    }

    public Builder acks(boolean v) {
      acks = v;
      return this;
    }

    public Builder ackTimeout(Duration v) {
      ackTimeout = v;
      return this;
    }

    public Builder ackPollInterval(Duration v) {
      ackPollInterval = v;
      return this;
    }

    public Builder connectTimeout(Duration v) {
      connectTimeout = v;
      return this;
    }

    public Builder readTimeout(Duration v) {
      readTimeout = v;
      return this;
    }

    public Builder caBundle(Path v) {
      caBundle = v;
      return this;
    }

    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    /** Waits of up to {@code base}, 2 {@code base}, 4 {@code base}, ... but never more than {@code cap}. */
    public Builder backoff(Duration base, Duration cap) {
      backoffBase = base;
      backoffCap = cap;
      return this;
    }

    public HecSettings build() {
      return new HecSettings(url, token, index, sourcetype, source, host, maxBatchBytes, gzip, acks, ackTimeout,
          ackPollInterval, connectTimeout, readTimeout, caBundle, maxAttempts, backoffBase, backoffCap);
    }
  }
}

package io.trailwatch.aws;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.lease.FileLeases;
import io.trailwatch.lease.LeaseHolder;
import io.trailwatch.lease.LeaseStore;
import io.trailwatch.state.StateLayout;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The business units' leases of an S3 state: the object {@code <state>/bu=<name>/_lease}, written
 * only with S3 conditional writes ({@code If-None-Match: *} for a new one, {@code If-Match: <etag>}
 * to renew or take over): of two racing writers one wins, the other gets 412 or 409.
 */
public final class S3LeaseStore implements LeaseStore {
  private final S3Client s3;
  private final S3Location state;

  public S3LeaseStore(S3Client s3, S3Location state) {
    this.s3 = s3;
    this.state = state;
  }

  /** For a {@code --state s3://bucket/prefix}, with a client from the environment's settings. */
  public static S3LeaseStore of(String stateUri) {
    return new S3LeaseStore(S3Clients.create(S3Settings.fromEnvironment(), 2, true), S3Location.parse("--state",
        stateUri));
  }

  String key(String businessUnit) {
    if (!io.trailwatch.accounts.BusinessUnits.isValid(businessUnit)) {
      throw new IllegalArgumentException("Not a business unit name: " + businessUnit);
    }
    return state.prefix() + StateLayout.PREFIX + businessUnit + "/" + FileLeases.FILE;
  }

  @Override
  public String where(String businessUnit) {
    return state.uri(key(businessUnit));
  }

  @Override
  public Optional<Versioned> read(String businessUnit) {
    try {
      ResponseBytes<GetObjectResponse> r = s3.getObjectAsBytes(b -> b.bucket(state.bucket()).key(key(businessUnit)));
      return Optional.of(new Versioned(LeaseHolder.fromJson(r.asString(StandardCharsets.UTF_8)), r.response().eTag()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("read", businessUnit, e);
    }
  }

  @Override
  public Optional<String> write(String businessUnit, LeaseHolder holder, String expected) {
    PutObjectRequest.Builder req = PutObjectRequest.builder().bucket(state.bucket()).key(key(businessUnit))
        .contentType("application/json");
    req = expected == null ? req.ifNoneMatch("*") : req.ifMatch(expected);
    try {
      return Optional.of(s3.putObject(req.build(), RequestBody.fromString(holder.toJson(), StandardCharsets.UTF_8))
          .eTag());
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        return Optional.empty(); // another writer won
      }
      throw failed("write", businessUnit, e);
    } catch (SdkException e) {
      throw failed("write", businessUnit, e);
    }
  }

  private TrailwatchException failed(String what, String businessUnit, SdkException e) {
    ErrorCode code = e instanceof S3Exception s && s.statusCode() == 403 ? ErrorCode.STATE_ACCESS_DENIED
        : ErrorCode.STATE_IO_FAILED;
    return TrailwatchException.wrap(code, e, "Cannot %s the lease %s: %s", what, where(businessUnit),
        e.getMessage());
  }
}

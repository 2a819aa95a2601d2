package io.trailwatch.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.ingest.LogOpener;
import io.trailwatch.testing.MotoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/** Reading objects as executors do: through a serialized opener, failures as IOExceptions naming the object. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3OpenerTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();

  static String read(LogOpener opener, String uri) throws IOException {
    try (InputStream in = opener.open(uri)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** What Spark does to the opener on its way to an executor. */
  static LogOpener shipped(LogOpener opener) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(opener);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (LogOpener) in.readObject();
    }
  }

  @Test
  void readsAnObjectAfterTravellingToAnExecutor() throws Exception {
    String bucket = MOTO.newBucket("objects");
    MOTO.put(bucket, "AWSLogs/a b/x.json.gz", "{\"Records\":[]}");
    LogOpener opener = shipped(new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")));
    assertEquals("{\"Records\":[]}", read(opener, "s3://" + bucket + "/AWSLogs/a b/x.json.gz"));
  }

  @Test
  void missingObjectIsAnIoExceptionNamingIt() {
    String bucket = MOTO.newBucket("objects");
    String uri = "s3://" + bucket + "/AWSLogs/gone.json.gz";
    FileNotFoundException e = assertThrows(FileNotFoundException.class,
        () -> read(new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), uri));
    assertTrue(e.getMessage().contains(uri), e.getMessage());
  }

  @Test
  void missingBucketIsAnIoException() {
    IOException e = assertThrows(IOException.class,
        () -> read(new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), "s3://no-such-bucket-tw/k.json.gz"));
    assertTrue(e.getMessage().contains("s3://no-such-bucket-tw/k.json.gz"), e.getMessage());
  }

  @Test
  void unreachableServerIsAnIoException() {
    S3Opener opener = new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1").withEndpoint("http://127.0.0.1:1"));
    assertThrows(IOException.class, () -> read(opener, "s3://some-bucket/k.json.gz"));
  }

  @Test
  void notAnS3UriIsAnIoException() {
    assertThrows(IOException.class, () -> read(new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), "file:/tmp/x.json.gz"));
    assertThrows(IOException.class, () -> read(new S3Opener(new S3Settings(MOTO.endpoint(), "us-east-1")), "s3://bucket-only"));
  }
}

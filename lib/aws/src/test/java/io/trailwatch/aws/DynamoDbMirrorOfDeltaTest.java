package io.trailwatch.aws;

import static io.trailwatch.testing.CloudTrailFixtures.assumedRole;
import static io.trailwatch.testing.CloudTrailFixtures.iamUser;
import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.accounts.Account;
import io.trailwatch.baseline.BaselineReader;
import io.trailwatch.baseline.MirrorSync;
import io.trailwatch.config.TrailwatchConfig;
import io.trailwatch.core.Hour;
import io.trailwatch.core.Window;
import io.trailwatch.ingest.LocalLogPlanner;
import io.trailwatch.ingest.LocalOpener;
import io.trailwatch.mirror.MirrorItem;
import io.trailwatch.mirror.MirrorRule;
import io.trailwatch.pipeline.Pipeline;
import io.trailwatch.pipeline.Progress;
import io.trailwatch.state.StateStore;
import io.trailwatch.testing.FaultProxy;
import io.trailwatch.testing.MotoServer;
import io.trailwatch.testing.SparkTest;
import io.trailwatch.testing.StateFolders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An hourly run with the mirror on moto's DynamoDB: it writes the changed rows only, and then equals the Delta baseline. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DynamoDbMirrorOfDeltaTest extends SparkTest {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final String PAY = "111111111111";
  static final String PLAT = "222222222222";
  static final List<Account> ACCOUNTS = List.of(new Account(PAY, "pay-prod", "payments"),
      new Account(PLAT, "plat-prod", "platform"));
  static final Hour H = Hour.parse("--hour", "2026-11-20T14");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  void log(Path logs, String account, Instant t, String identity, String source, String name) throws Exception {
    writeLog(logs, account, "us-east-1", t.plusSeconds(600), List.of(record(identity, account, source, name, t, null)));
  }

  /** The puts of every BatchWriteItem the proxy saw, as (pk, sk) pairs. */
  static List<String> puts(FaultProxy proxy) throws Exception {
    List<String> out = new ArrayList<>();
    for (FaultProxy.Request r : proxy.requests(".BatchWriteItem")) {
      for (JsonNode tableWrites : JSON.readTree(r.body()).get("RequestItems")) {
        for (JsonNode w : tableWrites) {
          JsonNode item = w.get("PutRequest").get("Item");
          out.add(item.get("pk").get("S").asText() + " " + item.get("sk").get("S").asText());
        }
      }
    }
    return out;
  }

  @Test
  void anHourlyRunMirrorsTheChangedRowsAndTheMirrorEqualsTheBaseline() throws Exception {
    Path logs = dir.resolve("logs");
    Files.createDirectories(logs.resolve("AWSLogs"));
    StateStore state = StateFolders.empty(spark, dir.resolve("state"));
    Pipeline pipeline = new Pipeline(spark, TrailwatchConfig.defaults(), new LocalLogPlanner(logs), new LocalOpener(),
        state, Progress.SILENT);
    for (int d = 8; d >= 1; d--) {
      Instant t = H.start().minus(Duration.ofDays(d));
      log(logs, PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
      log(logs, PAY, t, assumedRole(PAY, "app", "i-0" + d), "sqs.amazonaws.com", "SendMessage");
      log(logs, PLAT, t, iamUser(PLAT, "deploy"), "ecs.amazonaws.com", "UpdateService");
    }
    log(logs, PAY, H.start().minus(Duration.ofHours(2)), assumedRole(PAY, "app", "i-late"), "sqs.amazonaws.com",
        "SendMessage");
    pipeline.buildBaseline(new Window(H.start().minus(Duration.ofDays(9)), H.start()), ACCOUNTS);
    BaselineReader delta = new BaselineReader(spark, state);

    String table = "baseline-mirror";
    try (DynamoDbMirror init = DynamoDbMirror.create(table, new AwsSettings(MOTO.endpoint(), null), Retrying.standard())) {
      init.createTable();
    }
    try (FaultProxy proxy = FaultProxy.start(MOTO.endpoint(), (r, up) -> up.send(r));
        DynamoDbMirror mirror = DynamoDbMirror.create(table, new AwsSettings(proxy.endpoint(), null),
            Retrying.standard())) {
      MirrorSync.level(delta, mirror, "payments");
      MirrorSync.level(delta, mirror, "platform");
      int copied = puts(proxy).size();
      assertEquals(3, copied, "a new mirror copies each business unit once");

      Instant t = H.start().plusSeconds(300);
      log(logs, PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "GetObject");
      log(logs, PAY, t, assumedRole(PAY, "app", "i-new"), "sqs.amazonaws.com", "SendMessage");
      log(logs, PAY, t, iamUser(PAY, "ci"), "s3.amazonaws.com", "ListBuckets");
      log(logs, PLAT, t, iamUser(PLAT, "deploy"), "ecs.amazonaws.com", "UpdateService");

      // The hourly run of payments, as the pipeline will call the mirror.
      MirrorSync.level(delta, mirror, "payments");
      Map<MirrorItem.Key, MirrorItem> before = delta.businessUnit("payments").stream()
          .collect(Collectors.toMap(MirrorItem::key, Function.identity()));
      long v0 = delta.version();
      mirror.markPending("payments", v0);
      pipeline.detect(H, List.of(ACCOUNTS.get(0)));
      List<MirrorItem> merged = delta.changedSince("payments", v0);
      mirror.write(MirrorRule.changed(before, merged));
      mirror.markMirrored("payments", delta.version());

      assertEquals(List.of(PAY + "#arn:aws:iam::111111111111:user/ci s3.amazonaws.com#GetObject",
          PAY + "#arn:aws:iam::111111111111:user/ci s3.amazonaws.com#ListBuckets"),
          puts(proxy).subList(copied, puts(proxy).size()).stream().sorted().toList(),
          "the day-old behaviour and the new one; not the app's, seen 2 h ago");
      assertEquals(delta.businessUnit("payments"), mirror.scan("payments"));
      assertEquals(delta.businessUnit("platform"), mirror.scan("platform"));
    }
  }
}

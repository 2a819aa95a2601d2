package io.trailwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.testing.CommandRun;
import io.trailwatch.testing.MotoServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.glue.GlueClient;

/** {@code trailwatch glue-sync} on moto's Glue: exit codes, the tables, Athena's views on stdout. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GlueSyncCommandLineTest {
  @RegisterExtension
  static final MotoServer MOTO = new MotoServer();

  CommandRun glueSync(String state, String database) {
    return CommandRun.of(Main::run, "glue-sync", "--state", state, "--database", database, "--bu", "payments",
        "--bu", "retail", "--glue-endpoint", MOTO.endpoint(), "--region", "us-east-1");
  }

  @Test
  void registersTheNamedBusinessUnitsAndPrintsAthenasViews() {
    CommandRun run = glueSync("s3://state-bucket/tw", "trailwatch");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("CREATE OR REPLACE VIEW tw_alerts AS"), run.out());
    GlueClient glue = MOTO.client(GlueClient.builder());
    assertEquals("s3://state-bucket/tw/bu=retail/baseline/", glue.getTable(r -> r.databaseName("trailwatch")
        .name("retail_baseline")).table().storageDescriptor().location());
    assertEquals(0, glueSync("s3://state-bucket/tw", "trailwatch").code(), "again: updated in place");
  }

  @Test
  void aLocalStateOrABadDatabaseNameIsAUserError() {
    assertEquals(2, glueSync("/tmp/state", "trailwatch").code(), "Athena reads S3 only");
    assertEquals(2, glueSync("s3://state-bucket/tw", "Trail-Watch").code());
  }
}

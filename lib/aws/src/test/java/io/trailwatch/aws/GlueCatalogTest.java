package io.trailwatch.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.state.Tables;
import io.trailwatch.testing.MotoServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.Table;

/** glue-sync on moto's Glue: the tables Athena reads as Delta, made once, updated in place after. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GlueCatalogTest {
  @RegisterExtension
  static final MotoServer MOTO = new MotoServer();

  @Test
  void everyTableOfEveryBusinessUnitIsRegisteredAsAthenaReadsDelta() {
    GlueClient glue = MOTO.client(GlueClient.builder());
    GlueCatalog.Synced first = new GlueCatalog(glue).sync("trailwatch", "s3://state-bucket/prod/",
        List.of("payments", "retail-eu"));
    assertEquals(2 * Tables.ALL.size(), first.created().size());
    assertEquals(List.of(), first.updated());

    Table alerts = glue.getTable(r -> r.databaseName("trailwatch").name("retail_eu_alerts")).table();
    assertEquals("EXTERNAL_TABLE", alerts.tableType());
    assertEquals("DELTA", alerts.parameters().get("table_type"));
    assertEquals("delta", alerts.parameters().get("spark.sql.sources.provider"));
    assertEquals("s3://state-bucket/prod/bu=retail-eu/alerts/", alerts.storageDescriptor().location());
    assertEquals(alerts.storageDescriptor().location(), alerts.storageDescriptor().serdeInfo().parameters()
        .get("path"));
    assertEquals(List.of(), alerts.storageDescriptor().columns(), "Athena reads the columns from the Delta log");
    assertEquals(Tables.ALL.stream().flatMap(t -> List.of("payments_" + t, "retail_eu_" + t).stream()).sorted()
        .toList(), glue.getTables(r -> r.databaseName("trailwatch")).tableList().stream().map(Table::name).sorted()
        .toList());
  }

  @Test
  void aSecondSyncUpdatesInPlaceAndFollowsAMovedState() {
    GlueClient glue = MOTO.client(GlueClient.builder());
    GlueCatalog catalog = new GlueCatalog(glue);
    catalog.sync("moved", "s3://old-bucket/state", List.of("payments"));
    GlueCatalog.Synced again = catalog.sync("moved", "s3://new-bucket/state", List.of("payments"));
    assertEquals(List.of(), again.created());
    assertEquals(Tables.ALL.size(), again.updated().size());
    Map<String, String> locations = glue.getTables(r -> r.databaseName("moved")).tableList().stream()
        .collect(Collectors.toMap(Table::name, t -> t.storageDescriptor().location()));
    assertEquals(Tables.ALL.size(), locations.size());
    assertTrue(locations.values().stream().allMatch(l -> l.startsWith("s3://new-bucket/state/bu=payments/")),
        locations::toString);
  }

  @Test
  void aDatabaseNameAthenaRefusesIsAUserError() {
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> new GlueCatalog(MOTO.client(GlueClient.builder())).sync("Trail-Watch", "s3://b/s", List.of("a")));
    assertEquals(ErrorCode.BAD_GLUE_DATABASE, e.code());
  }

  @Test
  void aGlueEndpointThatDoesNotAnswerIsAnExternalFailure() throws Exception {
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    GlueClient down = MotoServer.client(GlueClient.builder(), "http://127.0.0.1:" + closed);
    TrailwatchException e = assertThrows(TrailwatchException.class,
        () -> new GlueCatalog(down).sync("trailwatch", "s3://b/s", List.of("a")));
    assertEquals(ErrorCode.GLUE_FAILED, e.code());
  }

  @Test
  void athenaViewsUnionEveryBusinessUnit() {
    String sql = GlueCatalog.athenaViews("trailwatch", List.of("payments", "retail-eu"));
    assertTrue(sql.contains("CREATE OR REPLACE VIEW tw_alerts AS\nSELECT * FROM \"trailwatch\".\"payments_alerts\"\n"
        + "UNION ALL\nSELECT * FROM \"trailwatch\".\"retail_eu_alerts\";\n"), sql);
  }
}

package io.trailwatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.trailwatch.localfs.NioLocalFileSystem;
import io.trailwatch.localfs.NioLocalFs;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which sessions get trailwatch's own local file system (the cluster runs themselves: EmrJarClusterIT). */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SparksTest {
  @Test
  void localModeWritesLocalFoldersWithoutForkingProcesses() {
    assertEquals(Map.of("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName(),
        "spark.hadoop.fs.AbstractFileSystem.file.impl", NioLocalFs.class.getName()),
        Sparks.localFileSystem("local[2]"));
    assertEquals(Sparks.localFileSystem("local[2]"), Sparks.localFileSystem("local[*]"));
  }

  @Test
  void clusterKeepsHadoopsLocalFileSystemWhichItsExecutorsCanLoad() {
    for (String master : new String[] {"spark://127.0.0.1:7077", "yarn", "k8s://https://127.0.0.1:6443", ""}) {
      assertEquals(Map.of(), Sparks.localFileSystem(master), master);
    }
  }

  @Test
  void aSettingGivenOnTheCommandLineWinsOverTrailwatchsDefault() {
    java.util.Properties set = new java.util.Properties();
    assertEquals("1", Sparks.tunables(8, set).get("spark.databricks.delta.snapshotPartitions"));
    assertEquals("8", Sparks.tunables(8, set).get("spark.sql.shuffle.partitions"));
    set.setProperty("spark.databricks.delta.snapshotPartitions", "50");
    set.setProperty("spark.sql.shuffle.partitions", "200");
    assertEquals("50", Sparks.tunables(8, set).get("spark.databricks.delta.snapshotPartitions"));
    assertEquals("200", Sparks.tunables(8, set).get("spark.sql.shuffle.partitions"));
    assertEquals("FAIR", Sparks.tunables(8, set).get("spark.scheduler.mode"), "what is not given keeps its default");
    assertEquals("false", Sparks.tunables(8, set).get("spark.sql.codegen.wholeStage"));
    set.setProperty("spark.sql.codegen.wholeStage", "true");
    assertEquals("true", Sparks.tunables(8, set).get("spark.sql.codegen.wholeStage"), "generated code, if asked for");
  }
}

package io.trailwatch.cli;

import static io.trailwatch.testing.CloudTrailFixtures.record;
import static io.trailwatch.testing.CloudTrailFixtures.root;
import static io.trailwatch.testing.CloudTrailFixtures.writeAccounts;
import static io.trailwatch.testing.CloudTrailFixtures.writeLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailwatch.testing.MotoServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The EMR job jar ({@code trailwatch-jobs-<version>-emr.jar}) as EMR Serverless gets it: what it
 * carries, what it leaves to EMR, and a run spark-submit style (the jar plus Spark's class path,
 * the JVM options and Spark settings of {@code emr/start-job-run.json}). Runs after package.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EmrJarIT {
  @RegisterExtension static final MotoServer MOTO = new MotoServer();
  static final Path JAR = Path.of(property("trailwatch.emr.jar"));
  static final String PAY = "111111111111";
  static final String SHOP = "222222222222";

  /** Classes the production job must never carry: tooling, test code, and what EMR provides (Delta included). */
  static final List<String> FORBIDDEN = List.of("io/trailwatch/generate/", "io/trailwatch/tools/",
      "io/trailwatch/bench/", "io/trailwatch/testing/", "org/duckdb/", "org/junit/", "scala/", "org/apache/hadoop/",
      "org/apache/spark/", "io/delta/", "com/amazonaws/", "software/amazon/awssdk/");
  /** EMR 7's Delta jars, which the template's spark.jars names, and the local copies of the same release. */
  static final String EMR_DELTA = "/usr/share/aws/delta/lib/";

  @TempDir Path dir;

  @Test
  void namesItsMainClass() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals("io.trailwatch.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
  }

  @Test
  void carriesTheJobAndTheLibrariesEmrLacks() throws IOException {
    Set<String> entries = entries(JAR);
    List<String> expected = List.of("io/trailwatch/cli/Main.class", "io/trailwatch/pipeline/Pipeline.class",
        "io/trailwatch/aws/S3LogPlanner.class", "io/trailwatch/shaded/awssdk/services/s3/S3Client.class",
        "io/trailwatch/shaded/http/impl/client/HttpClients.class", "io/trailwatch/shaded/yaml/YAMLFactory.class",
        "picocli/CommandLine.class", "META-INF/services/io.trailwatch.shaded.awssdk.http.SdkHttpService");
    assertEquals(List.of(), expected.stream().filter(e -> !entries.contains(e)).toList(), "missing from the jar");
  }

  @Test
  void leavesOutToolsTestCodeAndWhatEmrProvides() throws IOException {
    List<String> found = entries(JAR).stream().filter(e -> e.endsWith(".class"))
        .filter(e -> FORBIDDEN.stream().anyMatch(e::startsWith)).limit(20).toList();
    assertEquals(List.of(), found);
  }

  @Test
  void theJobRunLoadsEmrsDelta() throws Exception {
    assertEquals(EMR_DELTA + "delta-spark.jar," + EMR_DELTA + "delta-storage.jar",
        template(Map.of()).sparkConf().get("spark.jars"));
  }

  @Test
  void carriesNoClassOfTheClassPathEmrProvides() throws IOException {
    Set<String> ours = entries(JAR).stream().filter(e -> e.endsWith(".class") && !e.contains("module-info"))
        .collect(Collectors.toSet());
    Set<String> both = new TreeSet<>();
    for (String jar : withEmrDelta(providedClassPath())) {
      for (String e : entries(Path.of(jar))) {
        if (ours.contains(e)) {
          both.add(Path.of(jar).getFileName() + "!" + e);
        }
      }
    }
    assertEquals(Set.of(), both.stream().limit(20).collect(Collectors.toSet()));
  }

  @Test
  void startsSparkSubmitStyle() throws Exception {
    Run run = run(List.of(), List.of("--help"), Map.of());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("detect") && run.out().contains("baseline"), run.out());
  }

  @Test
  void printsTheReleaseItWasBuiltAs() throws Exception {
    Run run = run(List.of(), List.of("--version"), Map.of());
    assertEquals(0, run.code(), run.err());
    assertEquals("trailwatch " + io.trailwatch.core.Release.VERSION, run.out().strip());
  }

  /**
   * The template's own command line, Spark settings and JVM options, with the jar and Spark's
   * class path only: an hour read from S3, state on S3, the YAML config read, libdeflate loaded.
   */
  @Test
  void detectsAnHourOnS3TheWayTheTemplateRunsIt() throws Exception {
    // Root signs in to an account of each business unit; the run is the payments one.
    Instant t = Instant.parse("2026-11-20T14:03:00Z");
    Path logs = dir.resolve("logs");
    for (String account : List.of(PAY, SHOP)) {
      writeLog(logs, account, "eu-west-1", t.plusSeconds(900),
          List.of(record(root(account), account, "signin.amazonaws.com", "ConsoleLogin", t.plusSeconds(60), null)));
    }
    String trail = MOTO.newBucket("emr-trail");
    MOTO.upload(logs, trail, "org/");
    String state = MOTO.newBucket("emr-state");
    // What spark.archives=...#conf unpacks into the driver's working directory.
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(work.resolve("conf"));
    writeAccounts(work.resolve("conf/accounts.csv"), PAY + ",pay-prod,payments", SHOP + ",shop-prod,retail");
    Files.copy(Path.of(property("trailwatch.example.config")), work.resolve("conf/trailwatch.yaml"));

    Template tpl = template(Map.of("CLOUDTRAIL_URI", "s3://" + trail + "/org", "STATE_URI", "s3://" + state + "/tw"));
    assertEquals("io.trailwatch.cli.Main", tpl.mainClass());
    List<String> jvm = new ArrayList<>(tpl.driverJavaOptions());
    tpl.sparkConf().forEach((k, v) -> {
      if (!k.equals("spark.archives")) {
        jvm.add("-D" + k + "=" + (k.equals("spark.jars") ? localDelta(v) : v));
      }
    });
    jvm.add("-Dspark.master=local[2]");
    Run run = run(jvm, tpl.arguments(), Map.of("AWS_ENDPOINT_URL_S3", MOTO.endpoint()), work);

    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("arn:aws:iam::" + PAY + ":root") && run.out().contains("ConsoleLogin"), run.out());
    assertFalse(run.out().contains("arn:aws:iam::" + SHOP + ":root"), "only --bu payments: " + run.out());
    assertTrue(run.err().contains("gzip: libdeflate"), run.err());
    assertTrue(MOTO.s3().listObjectsV2(b -> b.bucket(state).prefix("tw/")).contents().stream()
        .anyMatch(o -> o.key().endsWith("_delta_log/00000000000000000000.json")), "Delta tables on S3");
  }

  record Run(int code, String out, String err) {}

  Run run(List<String> jvmOptions, List<String> args, Map<String, String> env) throws Exception {
    return run(jvmOptions, args, env, dir);
  }

  /** {@code java <Spark's module openings> <options> -cp <EMR jar>:<provided> io.trailwatch.cli.Main <args>} */
  Run run(List<String> jvmOptions, List<String> args, Map<String, String> env, Path workDir) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx2g"));
    cmd.addAll(ClusterRuns.sparkOpens());
    cmd.addAll(jvmOptions);
    // spark-submit puts spark.jars (EMR's Delta) on the driver's class path; java -cp has to be told.
    cmd.addAll(List.of("-cp", JAR + File.pathSeparator + String.join(File.pathSeparator, withEmrDelta(providedClassPath())),
        "io.trailwatch.cli.Main"));
    cmd.addAll(args);
    Path out = dir.resolve("stdout-" + System.nanoTime());
    Path err = dir.resolve("stderr-" + System.nanoTime());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing",
        "AWS_REGION", "us-east-1", "SPARK_LOCAL_IP", "127.0.0.1"));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      String e = Files.readString(err);
      throw new AssertionError("the EMR jar did not finish in 5 minutes: " + cmd + "\nits stderr ends: "
          + e.substring(Math.max(0, e.length() - 6000)));
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** The parts of {@code emr/start-job-run.json} that make the driver's command line. */
  record Template(JsonNode json) {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z_]+)}");

    static Template read(Path file, Map<String, String> values) throws IOException {
      Matcher m = PLACEHOLDER.matcher(Files.readString(file));
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String v = values.get(m.group(1));
        if (v == null) {
          throw new AssertionError("the test gives no value for ${" + m.group(1) + "} of " + file);
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
      m.appendTail(sb);
      return new Template(new ObjectMapper().readTree(sb.toString()));
    }

    List<String> arguments() {
      List<String> out = new ArrayList<>();
      json.at("/jobDriver/sparkSubmit/entryPointArguments").forEach(a -> out.add(a.asText()));
      return out;
    }

    List<String> submitTokens() {
      return List.of(json.at("/jobDriver/sparkSubmit/sparkSubmitParameters").asText().trim().split("\\s+"));
    }

    String mainClass() {
      List<String> t = submitTokens();
      return t.get(t.indexOf("--class") + 1);
    }

    Map<String, String> sparkConf() {
      List<String> t = submitTokens();
      Map<String, String> conf = new java.util.LinkedHashMap<>();
      for (int i = 0; i < t.size() - 1; i++) {
        if (t.get(i).equals("--conf")) {
          String kv = t.get(i + 1);
          conf.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      return conf;
    }

    List<String> driverJavaOptions() {
      return javaOptions("spark.driver.extraJavaOptions");
    }

    List<String> executorJavaOptions() {
      return javaOptions("spark.executor.extraJavaOptions");
    }

    private List<String> javaOptions(String key) {
      for (JsonNode c : json.at("/configurationOverrides/applicationConfiguration")) {
        if (c.path("classification").asText().equals("spark-defaults") && c.path("properties").has(key)) {
          return List.of(c.path("properties").path(key).asText().trim().split("\\s+"));
        }
      }
      throw new AssertionError("the template has no spark-defaults with " + key);
    }
  }

  /** {@code emr/start-job-run.json}, its placeholders filled with {@code values} or stand-ins never used. */
  static Template template(Map<String, String> values) throws IOException {
    Map<String, String> all = new java.util.HashMap<>(Map.of(
        "BU", "payments", "HOUR", "2026-11-20T14", "HOUR_ID", "20261120T14", "REGION", "us-east-1",
        "CLOUDTRAIL_URI", "s3://not-used-here", "STATE_URI", "s3://not-used-here", "DEPLOY_URI", "s3://not-used-here",
        "VERSION", "0", "CONFIG_VERSION", "0", "APPLICATION_ID", "x"));
    all.put("EXECUTION_ROLE_ARN", "x");
    all.putAll(values);
    return Template.read(Path.of(property("trailwatch.emr.template")), all);
  }

  /**
   * What EMR provides on every node's class path: Spark's runtime class path (Hadoop 3.4.1 and
   * hadoop-aws included) and the AWS SDK v2 bundle that s3a runs on.
   */
  static List<String> providedClassPath() throws IOException {
    List<String> cp = new ArrayList<>(List.of(Files.readString(Path.of(property("trailwatch.emr.provided-classpath")))
        .trim().split(File.pathSeparator)));
    cp.add(property("trailwatch.emr.sdk-bundle"));
    return cp;
  }

  /** The provided class path with EMR's Delta beside it (what spark.jars adds). */
  static List<String> withEmrDelta(List<String> classPath) {
    List<String> cp = new ArrayList<>(classPath);
    cp.addAll(List.of(localDelta(EMR_DELTA + "delta-spark.jar," + EMR_DELTA + "delta-storage.jar").split(",")));
    return cp;
  }

  /** The template's spark.jars with each of EMR's Delta jars replaced by the local jar of the same release. */
  static String localDelta(String sparkJars) {
    return sparkJars.replace(EMR_DELTA + "delta-spark.jar", property("trailwatch.delta.jar"))
        .replace(EMR_DELTA + "delta-storage.jar", property("trailwatch.delta-storage.jar"));
  }

  static Set<String> entries(Path jar) throws IOException {
    try (JarFile j = new JarFile(jar.toFile())) {
      return j.stream().map(java.util.zip.ZipEntry::getName).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static String property(String name) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("-D" + name + " is not set: run this test with mvn verify (failsafe sets it)");
    }
    return v;
  }
}

package io.trailwatch.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A Spark standalone cluster on 127.0.0.1 for a test class: a master and one worker, each in a
 * JVM of its own, started before the class's first test and killed after its last (with the
 * executors the worker started). Unlike local mode, the driver, the executors and the daemons
 * share nothing but the file system and the network: a class or native library missing on the
 * executors, a static set on the driver, a file only the driver has, a closure that does not
 * serialise, all fail here as they would on EMR.
 *
 * <pre>{@code @RegisterExtension static final SparkCluster CLUSTER =
 *     new SparkCluster(classPath, sparkJars, jvmOptions, Path.of("target", "spark-cluster"), Map.of());}</pre>
 *
 * <p>{@code $SPARK_HOME} is a folder under {@code logDir} whose {@code jars/} holds symbolic links to
 * {@code sparkJars}: the worker starts every executor with {@code $SPARK_HOME/jars/*} on its class
 * path, plus what the application adds ({@code spark.jars}, {@code spark.executor.extraClassPath}).
 * The master's and the worker's logs and the executors' ({@code work/app-.../N/stderr}) stay in
 * {@code logDir}; when a test fails, they are printed on stderr.
 */
public final class SparkCluster implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> classPath;
  private final List<String> sparkJars;
  private final List<String> jvmOptions;
  private final Path logDir;
  private final Map<String, String> workerEnv;
  private final int cores;
  private final String memory;

  private Process master;
  private Process worker;
  private String url;
  private int webUiPort;

  /**
   * @param classPath the class path of the master's and the worker's JVMs (Spark's runtime jars)
   * @param sparkJars what {@code $SPARK_HOME/jars} holds: the executors' class path
   * @param jvmOptions options of the master's and the worker's JVMs (Spark's module openings)
   * @param logDir emptied and made; the cluster's home, work folders and logs go here
   * @param workerEnv set in the worker's environment, which its executors inherit: what a node
   *     gives every process on it (credentials of an instance role, say)
   */
  public SparkCluster(List<String> classPath, List<String> sparkJars, List<String> jvmOptions, Path logDir,
      Map<String, String> workerEnv) {
    this.classPath = List.copyOf(classPath);
    this.sparkJars = List.copyOf(sparkJars);
    this.jvmOptions = List.copyOf(jvmOptions);
    this.logDir = logDir.toAbsolutePath();
    this.workerEnv = Map.copyOf(workerEnv);
    // Room for two applications of one two-core, 1 GB executor at once (cores are the worker's
    // to hand out, not the machine's: the 2-core machine runs them side by side).
    this.cores = 4;
    this.memory = "2g";
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    System.err.println("---- Spark cluster logs after the failure of " + context.getDisplayName() + " ----");
    System.err.println(logs());
  }

  public void start() throws IOException, InterruptedException {
    if (master != null) {
      return;
    }
    deleteRecursively(logDir);
    Path home = Files.createDirectories(logDir.resolve("spark-home"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.createDirectories(home.resolve("conf"));
    Set<String> names = new HashSet<>();
    for (String jar : sparkJars) {
      Path target = Path.of(jar).toAbsolutePath();
      String name = target.getFileName().toString();
      if (!name.endsWith(".jar") || !Files.isRegularFile(target)) {
        throw new IllegalArgumentException("Not a jar file, cannot go into $SPARK_HOME/jars: " + jar);
      }
      while (!names.add(name)) {
        name = "_" + name;
      }
      Files.createSymbolicLink(jars.resolve(name), target);
    }
    Path work = Files.createDirectories(logDir.resolve("work"));

    int port = freePort();
    webUiPort = freePort();
    url = "spark://127.0.0.1:" + port;
    master = launch("master", home, Map.of(), "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", String.valueOf(port), "--webui-port", String.valueOf(webUiPort));
    try {
      await("the master to answer", json -> "ALIVE".equals(json.path("status").asText()));
      worker = launch("worker", home, workerEnv, "org.apache.spark.deploy.worker.Worker", url,
          "--host", "127.0.0.1", "--port", String.valueOf(freePort()), "--webui-port", String.valueOf(freePort()),
          "--cores", String.valueOf(cores), "--memory", memory, "--work-dir", work.toString());
      await("the worker to register", json -> json.path("aliveworkers").asInt() == 1);
    } catch (IOException | InterruptedException | RuntimeException e) {
      String logs = logs();
      stop();
      throw new IllegalStateException("The Spark cluster did not start: " + e.getMessage() + "\n" + logs, e);
    }
  }

  /** Kills the worker (and the executors it started), then the master; waits until they are gone. */
  public void stop() {
    kill(worker);
    kill(master);
    worker = null;
    master = null;
  }

  /** {@code spark://127.0.0.1:<port>} */
  public String url() {
    return url;
  }

  /** The master's state as its web UI serves it ({@code /json}): workers, applications, their states. */
  public JsonNode state() throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + webUiPort + "/json").toURL()
        .openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(5000);
    try {
      return JSON.readTree(c.getInputStream());
    } finally {
      c.disconnect();
    }
  }

  /** The executors' stderr files so far, one per executor an application got ({@code work/app-*}/N/stderr). */
  public List<Path> executorLogs() {
    Path work = logDir.resolve("work");
    if (!Files.isDirectory(work)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(work, 3)) {
      return s.filter(p -> p.getFileName().toString().equals("stderr")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The master's, the worker's and every executor's log, each under its file name: for failure messages. */
  public String logs() {
    Map<Path, String> all = new LinkedHashMap<>();
    all.put(logDir.resolve("master.log"), null);
    all.put(logDir.resolve("worker.log"), null);
    executorLogs().forEach(p -> all.put(p, null));
    StringBuilder sb = new StringBuilder();
    for (Path p : all.keySet()) {
      sb.append("==> ").append(p).append(" <==\n");
      try {
        sb.append(Files.exists(p) ? Files.readString(p) : "(none)\n");
      } catch (IOException e) {
        sb.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return sb.toString();
  }

  private Process launch(String name, Path home, Map<String, String> env, String mainClass, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(logDir.toFile()).redirectErrorStream(true)
        .redirectOutput(logDir.resolve(name + ".log").toFile());
    Map<String, String> e = pb.environment();
    // Nothing of the machine's own Spark or Hadoop: this cluster's home, and 127.0.0.1 only.
    List.of("SPARK_CONF_DIR", "SPARK_DIST_CLASSPATH", "HADOOP_CONF_DIR", "YARN_CONF_DIR", "SPARK_PREPEND_CLASSES",
        "SPARK_TESTING").forEach(e::remove);
    e.put("SPARK_HOME", home.toString());
    e.put("SPARK_SCALA_VERSION", "2.12");
    e.put("SPARK_LOCAL_IP", "127.0.0.1");
    e.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    e.put("JAVA_HOME", System.getProperty("java.home"));
    e.putAll(env);
    return pb.start();
  }

  private void await(String what, java.util.function.Predicate<JsonNode> ready) throws IOException,
      InterruptedException {
    long deadline = System.nanoTime() + STARTUP.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (Process p : new Process[] {master, worker}) {
        if (p != null && !p.isAlive()) {
          throw new IllegalStateException("a Spark daemon exited with code " + p.exitValue() + " while waiting for "
              + what);
        }
      }
      try {
        JsonNode json = state();
        if (ready.test(json)) {
          return;
        }
        last = json.toString();
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("timed out after " + STARTUP.toSeconds() + " s waiting for " + what
        + "; the master's last answer: " + last);
  }

  private static void kill(Process p) {
    if (p == null) {
      return;
    }
    // The worker's executors: it kills them as it stops, and they are killed here too if it could not.
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

package io.trailwatch.testing;

import io.trailwatch.core.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs a command line in this JVM (or in one of its own) and keeps its exit code and everything it printed. */
public record CommandRun(int code, String out, String err) {
  private static final Pattern CODE = Pattern.compile("\\[([A-Z][A-Z0-9_]*)]");

  /**
   * The {@link ErrorCode} the command printed in brackets ({@code trailwatch: ... [BAD_HOUR]}),
   * or null when it printed none: what tests assert instead of message text.
   */
  public ErrorCode errorCode() {
    Matcher m = CODE.matcher(err);
    ErrorCode last = null;
    while (m.find()) {
      String name = m.group(1);
      if (Arrays.stream(ErrorCode.values()).anyMatch(c -> c.name().equals(name))) {
        last = ErrorCode.valueOf(name);
      }
    }
    return last;
  }

  /**
   * Runs {@code main} (for example {@code Main::run}) with {@code args}, capturing what it prints to
   * System.out and System.err: from this thread and from the threads it starts while it runs. Other
   * threads print as before, so two test classes may each run a command at the same time (one test
   * JVM runs two classes at a time: docs/testing.md).
   */
  public static CommandRun of(ToIntFunction<String[]> main, String... args) {
    Routed.install();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Routed.OUT.set(out);
    Routed.ERR.set(err);
    try {
      int code = main.applyAsInt(args);
      System.out.flush();
      System.err.flush();
      return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      Routed.OUT.remove();
      Routed.ERR.remove();
    }
  }

  /**
   * System.out and System.err, replaced once for the JVM by streams that send each thread's bytes
   * to the command it runs ({@link #of}), or where they went before. A thread started by a command's
   * thread inherits its capture.
   */
  private static final class Routed extends OutputStream {
    static final InheritableThreadLocal<OutputStream> OUT = new InheritableThreadLocal<>();
    static final InheritableThreadLocal<OutputStream> ERR = new InheritableThreadLocal<>();
    private static boolean installed;

    private final InheritableThreadLocal<OutputStream> capture;
    private final PrintStream before;

    private Routed(InheritableThreadLocal<OutputStream> capture, PrintStream before) {
      this.capture = capture;
      this.before = before;
    }

    static synchronized void install() {
      if (!installed) {
        System.setOut(new PrintStream(new Routed(OUT, System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Routed(ERR, System.err), true, StandardCharsets.UTF_8));
        installed = true;
      }
    }

    private OutputStream target() {
      OutputStream c = capture.get();
      return c != null ? c : before;
    }

    @Override
    public void write(int b) throws IOException {
      target().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      target().write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      target().flush();
    }
  }

  /**
   * Runs {@code java <jvmOptions> -cp <classPath> <mainClass> <args>} in a JVM of its own (this
   * one's Java), in {@code workDir}, with {@code env} added to this process's environment. Its
   * stdout and stderr are also kept in {@code workDir} ({@code <name>.out}, {@code <name>.err}).
   * After {@code timeout} it is killed, with whatever it started, and the run fails with its output;
   * so it is when this thread is interrupted.
   */
  public static CommandRun inJvm(List<String> jvmOptions, List<String> classPath, String mainClass, List<String> args,
      Map<String, String> env, Path workDir, String name, Duration timeout) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", String.join(File.pathSeparator, classPath), mainClass));
    cmd.addAll(args);
    Files.createDirectories(workDir);
    Path out = workDir.resolve(name + ".out");
    Path err = workDir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(p);
      throw e;
    }
    if (!done) {
      kill(p);
      throw new AssertionError("Did not finish in " + timeout.toSeconds() + " s, killed: " + String.join(" ", args)
          + "\n-- stdout:\n" + Files.readString(out) + "\n-- stderr:\n" + Files.readString(err));
    }
    return new CommandRun(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static void kill(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.trailwatch.cli;

import io.trailwatch.core.ErrorCode;
import io.trailwatch.core.Release;
import io.trailwatch.core.TrailwatchException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code trailwatch}: one command line, a subcommand per job. */
@Command(name = "trailwatch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "CloudTrail anomaly detection: new behaviour per principal, per business unit, per hour.",
    subcommands = {DetectCommand.class, BaselineCommand.class, DeliverCommand.class, MaintainCommand.class,
        AccountsCommand.class, DynamoDbInitCommand.class, LookupCommand.class, ViewsCommand.class, StatusCommand.class,
        LeaseCommand.class, GlueSyncCommand.class, VerdictCommand.class, VerdictsCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  /**
   * The exit status of a run that detected and recorded everything but whose alerts did not all
   * reach every sink (some pending or failed): a scheduler tells it from success and from an error.
   */
  public static final int DELIVERY_INCOMPLETE = 5;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "Missing command: try 'trailwatch --help'");
  }

  /** {@code trailwatch --version}: the release the build recorded (the jar's {@code release.properties}). */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"trailwatch " + Release.VERSION};
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs a command line and returns its exit code: 0 done, 2 user error, 3 external failure, 4 bug,
   * 5 done but delivery pending or failed ({@link #DELIVERY_INCOMPLETE}), 6 status found missing hours or failed
   * deliveries ({@link StatusCommand#NEEDS_ATTENTION}).
   */
  public static int run(String... args) {
    return run(java.util.List.of(), args);
  }

  /**
   * Runs a command line with more subcommands than the production ones (the tools module adds
   * generate, demo and bench this way) and returns its exit code.
   */
  public static int run(java.util.List<Object> moreCommands, String... args) {
    CommandLine cli = new CommandLine(new Main());
    moreCommands.forEach(cli::addSubcommand);
    cli.setParameterExceptionHandler((ex, a) -> {
      System.err.println("trailwatch: " + ex.getMessage() + " [" + ErrorCode.BAD_COMMAND_LINE + "]");
      System.err.println("Try 'trailwatch " + (ex.getCommandLine().getCommandName().equals("trailwatch") ? ""
          : ex.getCommandLine().getCommandName() + " ") + "--help'.");
      return TrailwatchException.Kind.USER.exitCode();
    });
    cli.setExecutionExceptionHandler((ex, c, parsed) -> report(ex));
    return cli.execute(args);
  }

  /**
   * The one place where errors become exit codes and messages. Every error's message ends with (or,
   * for a bug, starts with) its code in brackets, e.g. {@code [BAD_HOUR]}, so scripts and tests match
   * the code, never the text.
   */
  public static int report(Throwable ex) {
    TrailwatchException te = find(ex);
    if (te == null) {
      System.err.println("trailwatch: internal error (a bug; please report it with this trace):");
      ex.printStackTrace(System.err);
      return TrailwatchException.Kind.INTERNAL.exitCode();
    }
    switch (te.kind()) {
      case USER -> System.err.println("trailwatch: " + te.getMessage() + " [" + te.code() + "]");
      // One line naming what failed and why; the message carries the cause (see TrailwatchException#wrap).
      case EXTERNAL -> System.err.println("trailwatch: " + oneLine(te) + " [" + te.code() + "]");
      default -> {
        System.err.println("trailwatch: internal error [" + te.code() + "]: " + te.getMessage());
        te.printStackTrace(System.err);
      }
    }
    return te.kind().exitCode();
  }

  /** The message, with the cause appended when the message does not already say it, on one line. */
  static String oneLine(TrailwatchException te) {
    String msg = te.getMessage();
    Throwable cause = te.getCause();
    if (cause != null && cause.getMessage() != null && !msg.contains(cause.getMessage().strip())) {
      msg += " (" + cause.getClass().getSimpleName() + ": " + cause.getMessage().strip() + ")";
    }
    return msg.replaceAll("\\s*\\R\\s*", " ");
  }

  private static TrailwatchException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TrailwatchException te) {
        return te;
      }
    }
    return null;
  }
}

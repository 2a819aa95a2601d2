package io.trailwatch.cli;

import io.trailwatch.config.ConfigLoader;
import io.trailwatch.config.TrailwatchConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} for the commands that read no logs (accounts, dynamodb-init, lookup, deliver, maintain). */
final class ConfigOption {
  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: built-in defaults)")
  Path config;

  TrailwatchConfig load() {
    return ConfigLoader.load(config);
  }
}

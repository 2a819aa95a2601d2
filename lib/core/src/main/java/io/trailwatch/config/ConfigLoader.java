package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.trailwatch.core.TrailwatchException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads and validates the YAML configuration. Unknown keys and bad values are user errors naming the key. */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private ConfigLoader() {}

  /** The configuration in {@code file}, or the defaults when {@code file} is null. */
  public static TrailwatchConfig load(Path file) {
    if (file == null) {
      return TrailwatchConfig.defaults();
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw TrailwatchException.of(ErrorCode.CONFIG_NOT_FOUND, "Cannot read config %s: no such file", file);
    } catch (IOException e) {
      throw TrailwatchException.of(ErrorCode.CONFIG_NOT_READABLE, "Cannot read config %s: %s", file, e.getMessage());
    }
    return parse(text, file.toString());
  }

  public static TrailwatchConfig parse(String yaml, String origin) {
    TrailwatchConfig cfg;
    try {
      cfg = yaml.isBlank() ? null : YAML.readValue(yaml, TrailwatchConfig.class);
    } catch (UnrecognizedPropertyException e) {
      String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
          .map(String::valueOf).sorted().collect(Collectors.joining(", "));
      throw TrailwatchException.of(ErrorCode.UNKNOWN_CONFIG_KEY, "Unknown config key '%s' in %s (known here: %s)",
          path(e), origin, known);
    } catch (InvalidFormatException e) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s to '%s' in %s: expected %s",
          path(e), e.getValue(), origin, expected(e.getTargetType()));
    } catch (MismatchedInputException e) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s in %s: expected %s",
          path(e), origin, expected(e.getTargetType()));
    } catch (JsonMappingException e) {
      if (e.getCause() instanceof JsonProcessingException cause && !(cause instanceof JsonMappingException)) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_SYNTAX, "Cannot parse %s as YAML: %s", origin,
            firstLine(cause.getMessage()));
      }
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s in %s: %s", path(e), origin,
          e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_SYNTAX, "Cannot parse %s as YAML: %s", origin,
          firstLine(e.getOriginalMessage()));
    }
    if (cfg == null) {
      cfg = TrailwatchConfig.defaults();
    }
    cfg.validate();
    return cfg;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  private static String path(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.length() == 0 ? "(top level)" : sb.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "a different type";
    }
    if (type.isEnum()) {
      return "one of " + java.util.Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
          .collect(Collectors.joining(", "));
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (java.util.Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    if (java.util.List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a " + type.getSimpleName();
  }
}

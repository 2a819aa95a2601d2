package io.trailwatch.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ReleaseTest {
  @Test
  void theReleaseIsTheBuildsProjectVersion() throws IOException {
    Path pom = Path.of(System.getProperty("trailwatch.project.root", "../..")).resolve("pom.xml");
    Matcher m = Pattern.compile("<artifactId>trailwatch-parent</artifactId>\\s*<version>([^<]+)</version>")
        .matcher(Files.readString(pom));
    assertEquals(true, m.find(), "the root pom names its version");
    assertEquals(m.group(1), Release.VERSION);
  }

  @Test
  void aReleaseIsNoSnapshot() {
    // A job run names the released jar by this version (docs/aws.md, Releases).
    assertFalse(Release.VERSION.endsWith("-SNAPSHOT"), Release.VERSION);
  }
}

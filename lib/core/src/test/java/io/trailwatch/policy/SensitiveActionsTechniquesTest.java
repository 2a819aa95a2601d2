package io.trailwatch.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The catalogue's MITRE ATT&CK technique ids: well formed, cited, and the ones analysts look for. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
class SensitiveActionsTechniquesTest {

  static List<String[]> rows() throws IOException {
    try (InputStream in = SensitiveActions.class.getResourceAsStream(SensitiveActions.RESOURCE)) {
      List<String[]> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.split("\t", -1));
        }
      }
      return out;
    }
  }

  @Test
  void loggingTamperAndCredentialCallsCarryTheirTechniques() {
    assertEquals("T1562.008", SensitiveActions.technique("cloudtrail.amazonaws.com", "StopLogging"));
    assertEquals("T1562.008", SensitiveActions.technique("cloudtrail.amazonaws.com", "PutEventSelectors"));
    assertEquals("T1098.001", SensitiveActions.technique("iam.amazonaws.com", "CreateAccessKey"));
    assertEquals("T1136.003", SensitiveActions.technique("iam.amazonaws.com", "CreateUser"));
    assertEquals("T1666", SensitiveActions.technique("organizations.amazonaws.com", "LeaveOrganization"));
    assertNull(SensitiveActions.technique("s3.amazonaws.com", "GetObject"), "not in the catalogue");
    assertNull(SensitiveActions.technique("kms.amazonaws.com", "CreateGrant"), "in it, with no technique on its own");
  }

  @Test
  void everyTechniqueIsWellFormedAndCitesItsOwnAttackPage() throws IOException {
    Set<String> keys = new HashSet<>();
    int withTechnique = 0;
    for (String[] r : rows()) {
      assertEquals(5, r.length, String.join("|", r));
      assertTrue(keys.add(r[0] + ":" + r[1]), "listed once: " + r[0] + ":" + r[1]);
      Severity.valueOf(r[2].toUpperCase(java.util.Locale.ROOT));
      if (r[3].isEmpty()) {
        assertEquals("", r[4], "no source without a technique: " + r[1]);
        continue;
      }
      withTechnique++;
      assertTrue(r[3].matches("T\\d{4}(\\.\\d{3})?"), r[3]);
      assertTrue(r[4].startsWith("https://attack.mitre.org/techniques/" + r[3].replace('.', '/') + "/ "),
          r[1] + " cites " + r[4]);
    }
    assertEquals(SensitiveActions.catalogue(java.util.Map.of()).size(), keys.size(), "the catalogue is the file");
    assertTrue(withTechnique >= keys.size() * 3 / 4, withTechnique + " of " + keys.size() + " have a technique");
  }
}

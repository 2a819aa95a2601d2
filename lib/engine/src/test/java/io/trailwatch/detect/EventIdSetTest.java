package io.trailwatch.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class EventIdSetTest {
  @Test
  void aRedeliveryIsFoundAfterTheTableHasGrownManyTimes() {
    EventIdSet set = new EventIdSet();
    long t = 1_795_000_000_000_000L;
    for (int i = 0; i < 200_000; i++) {
      assertTrue(set.add("id-" + i, t + i, "GetObject"), "first copy of event " + i);
    }
    for (int i = 0; i < 200_000; i += 997) {
      // Equal but not the same String objects: the parser makes a new one per record.
      assertFalse(set.add(new String("id-" + i), t + i, new String("GetObject")), "redelivered event " + i);
    }
    assertEquals(200_000, set.size());
  }

  @Test
  void theKeyIsIdTimeAndNameTogether() {
    EventIdSet set = new EventIdSet();
    assertTrue(set.add("00000000-0000-0000-0000-000000000000", 1, "PutObject"));
    // The shared samples reuse placeholder ids for different records: same id, other time or name, kept.
    assertTrue(set.add("00000000-0000-0000-0000-000000000000", 2, "PutObject"));
    assertTrue(set.add("00000000-0000-0000-0000-000000000000", 1, "GetObject"));
    assertFalse(set.add("00000000-0000-0000-0000-000000000000", 2, "PutObject"));
    assertEquals(3, set.size());
  }

  @Test
  void agreesWithAHashSetOnRandomKeysWithCollidingParts() {
    Random random = new Random(7);
    List<String> names = List.of("GetObject", "PutObject", "AssumeRole", "Decrypt");
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ids.add(UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}).toString());
    }
    EventIdSet set = new EventIdSet();
    Set<List<Object>> expected = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = ids.get(random.nextInt(ids.size()));
      long time = random.nextInt(50);
      String name = names.get(random.nextInt(names.size()));
      assertEquals(expected.add(List.of(id, time, name)), set.add(id, time, name), "add #" + i);
    }
    assertEquals(expected.size(), set.size());
  }
}

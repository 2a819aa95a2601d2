package io.trailwatch.accounts;

import io.trailwatch.core.ErrorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.trailwatch.core.TrailwatchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class BusinessUnitsTest {
  @Test
  void labelsAreNormalisedToPlainNames() {
    assertEquals(Optional.of("shared-services"), BusinessUnits.normalise("Shared Services"));
    assertEquals(Optional.of("payments"), BusinessUnits.normalise("  Payments "));
    assertEquals(Optional.of("r-d-eu"), BusinessUnits.normalise("R&D / EU"));
    assertEquals(Optional.of("data.lake_01"), BusinessUnits.normalise("_Data.Lake_01-"));
    assertEquals(Optional.of("caf"), BusinessUnits.normalise("Café"));
    assertEquals(Optional.of("a".repeat(64)), BusinessUnits.normalise("a".repeat(70)));
    assertEquals(Optional.empty(), BusinessUnits.normalise("日本"));
    assertEquals(Optional.empty(), BusinessUnits.normalise(" - "));
    assertEquals(Optional.empty(), BusinessUnits.normalise(null));
  }

  @Test
  void theCsvDirectoryListsTheFileAndCountsPerBusinessUnit(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("a.csv"), String.join("\n", Accounts.HEADER,
        "222222222222,plat-prod,platform", "111111111111,pay-prod,payments", "333333333333,pay-dev,payments", ""));
    AccountList all = new CsvAccountDirectory(csv).accounts();
    assertEquals(List.of(new Account("222222222222", "plat-prod", "platform"),
        new Account("111111111111", "pay-prod", "payments"), new Account("333333333333", "pay-dev", "payments")),
        all.accounts());
    assertEquals(List.of(), all.unassigned());
    assertEquals(Map.of("payments", 2, "platform", 1), all.countsByBusinessUnit());
    assertEquals(List.of("111111111111", "333333333333"),
        all.ofBusinessUnit("payments").accounts().stream().map(Account::id).toList());
    TrailwatchException e = assertThrows(TrailwatchException.class, () -> all.ofBusinessUnit("cards"));
    assertEquals(ErrorCode.UNKNOWN_BU, e.code());
    assertEquals(Accounts.read(csv), all.accounts());
  }
}

package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.accounts.BusinessUnits;
import io.trailwatch.core.TrailwatchException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Accounts and business units from AWS Organizations ({@code --org}); the CSV ({@code --accounts}) needs none of it. */
public record AccountsConfig(
    /** top-level-ou, ou-map or tag. */
    @JsonProperty("business-unit-from") BusinessUnitSource businessUnitFrom,
    /** With ou-map: business unit to OU ids ({@code ou-ab12-cdef3456}) or OU paths ({@code /Workloads/Payments}). */
    @JsonProperty("ou-map") Map<String, List<String>> ouMap,
    /** With tag: the account tag whose value is the business unit. */
    @JsonProperty("tag-key") String tagKey,
    /** A role to assume (STS) before calling Organizations: in the management or delegated-admin account; null: none. */
    @JsonProperty("role-arn") String roleArn) implements Serializable {

  public static final String DEFAULT_TAG_KEY = "business-unit";
  /** Organizations' OU id format. */
  public static final Pattern OU_ID = Pattern.compile("ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}");
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");

  public AccountsConfig {
    businessUnitFrom = businessUnitFrom == null ? BusinessUnitSource.TOP_LEVEL_OU : businessUnitFrom;
    Map<String, List<String>> m = new LinkedHashMap<>();
    if (ouMap != null) {
      ouMap.forEach((bu, ous) -> m.put(bu, ous == null ? List.of() : List.copyOf(ous)));
    }
    ouMap = java.util.Collections.unmodifiableMap(m);
    tagKey = tagKey == null ? DEFAULT_TAG_KEY : tagKey;
    roleArn = roleArn == null || roleArn.isBlank() ? null : roleArn.strip();
  }

  public static AccountsConfig defaults() {
    return new AccountsConfig(null, null, null, null);
  }

  void validate(String p) {
    if (businessUnitFrom == BusinessUnitSource.OU_MAP && ouMap.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
          "Cannot set %s.business-unit-from to ou-map: %s.ou-map lists no business unit", p, p);
    }
    if (businessUnitFrom != BusinessUnitSource.OU_MAP && !ouMap.isEmpty()) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
          "Cannot set %s.ou-map while %s.business-unit-from is not ou-map: it would be ignored", p, p);
    }
    Map<String, String> owner = new HashMap<>();
    for (Map.Entry<String, List<String>> e : ouMap.entrySet()) {
      String key = p + ".ou-map." + e.getKey();
      if (!BusinessUnits.isValid(e.getKey())) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
            "Cannot set %s: '%s' is not a business unit name (1-64 letters, digits, '_', '.' or '-')", key, e.getKey());
      }
      if (e.getValue().isEmpty()) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s to an empty list: give OU ids or paths", key);
      }
      for (int i = 0; i < e.getValue().size(); i++) {
        String ou = e.getValue().get(i);
        if (ou == null || !(OU_ID.matcher(ou).matches() || isOuPath(ou))) {
          throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
              "Cannot set %s[%d] to '%s': expected an OU id (ou-ab12-cdef3456) or an OU path (/Workloads/Payments)",
              key, i, ou);
        }
        String before = owner.put(ou, e.getKey());
        if (before != null) {
          throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s[%d] to '%s': it is already in %s.ou-map.%s",
              key, i, ou, p, before);
        }
      }
    }
    Checks.notBlank(p + ".tag-key", tagKey);
    if (tagKey.length() > 128) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.tag-key to '%s': tag keys have at most 128 characters",
          p, tagKey);
    }
    if (roleArn != null && !ROLE_ARN.matcher(roleArn).matches()) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
          "Cannot set %s.role-arn to '%s': expected arn:aws:iam::<12 digits>:role/<name>", p, roleArn);
    }
  }

  /** {@code /A/B}: slash-separated OU names from the root, each non-empty. */
  public static boolean isOuPath(String s) {
    return s.length() > 1 && s.startsWith("/") && !s.endsWith("/") && !s.contains("//");
  }
}

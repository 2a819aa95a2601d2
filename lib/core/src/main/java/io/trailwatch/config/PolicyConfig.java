package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.identity.IdentityTypes;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Severity;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Who alerts on what, and how loudly. */
public record PolicyConfig(
    /** A principal first seen less than this many days ago is learned, not alerted on. */
    @JsonProperty("learning-days") Integer learningDays,
    /** Per identity type; types not listed use {@code default}. Merged over the shipped defaults. */
    @JsonProperty("identity-types") Map<String, TypePolicy> identityTypes,
    /** What roles under {@code /aws-service-role/} alert on, whatever their identity type says. */
    @JsonProperty("service-linked-roles") AlertOn serviceLinkedRoles,
    /** This many new behaviours or more in one alert raise its severity one level. */
    @JsonProperty("many-new-behaviors") Integer manyNewBehaviors,
    /** {@code "eventSource:eventName": severity}, added to (or overriding) the shipped catalogue. */
    @JsonProperty("sensitive-actions") Map<String, Severity> sensitiveActions,
    /** Allow-list rules; a matching principal or behaviour never alerts (it is still baselined). */
    @JsonProperty("allow") List<AllowRule> allow) implements Serializable {

  public static final String DEFAULT_TYPE = "default";

  public PolicyConfig {
    learningDays = Checks.orDefault(learningDays, 14);
    Map<String, TypePolicy> merged = new LinkedHashMap<>(shippedTypePolicies());
    if (identityTypes != null) {
      merged.putAll(identityTypes);
    }
    identityTypes = Map.copyOf(merged);
    serviceLinkedRoles = serviceLinkedRoles == null ? AlertOn.NEVER : serviceLinkedRoles;
    manyNewBehaviors = Checks.orDefault(manyNewBehaviors, 5);
    sensitiveActions = sensitiveActions == null ? Map.of() : Map.copyOf(sensitiveActions);
    allow = allow == null ? List.of() : List.copyOf(allow);
  }

  public static PolicyConfig defaults() {
    return new PolicyConfig(null, null, null, null, null, null);
  }

  /** Root alerts on anything and learns nothing; AWS itself is baseline only; the rest alert on new behaviour. */
  static Map<String, TypePolicy> shippedTypePolicies() {
    Map<String, TypePolicy> m = new LinkedHashMap<>();
    m.put(IdentityTypes.ROOT, TypePolicy.of(AlertOn.ANY_ACTIVITY, Severity.HIGH, false));
    m.put(IdentityTypes.AWS_SERVICE, TypePolicy.of(AlertOn.NEVER, Severity.INFO, true));
    m.put(DEFAULT_TYPE, TypePolicy.of(AlertOn.NEW_BEHAVIOR, Severity.MEDIUM, true));
    return m;
  }

  public TypePolicy forType(String identityType) {
    TypePolicy p = identityTypes.get(identityType);
    return p != null ? p : identityTypes.get(DEFAULT_TYPE);
  }

  void validate(String p) {
    Checks.atLeast(p + ".learning-days", learningDays, 0);
    Checks.atLeast(p + ".many-new-behaviors", manyNewBehaviors, 1);
    for (Map.Entry<String, TypePolicy> e : identityTypes.entrySet()) {
      if (!DEFAULT_TYPE.equals(e.getKey()) && !IdentityTypes.ALL.contains(e.getKey())) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
            "Cannot set %s.identity-types.%s: unknown identity type (known: %s, %s)", p, e.getKey(),
            String.join(", ", IdentityTypes.ALL), DEFAULT_TYPE);
      }
      if (e.getValue() == null) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.identity-types.%s to an empty value", p, e.getKey());
      }
    }
    for (Map.Entry<String, Severity> e : sensitiveActions.entrySet()) {
      String k = e.getKey();
      int colon = k.indexOf(':');
      if (colon <= 0 || colon == k.length() - 1 || e.getValue() == null) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE,
            "Cannot set %s.sensitive-actions.'%s': keys are eventSource:eventName, e.g. iam.amazonaws.com:CreateUser, with a severity",
            p, k);
      }
    }
    for (int i = 0; i < allow.size(); i++) {
      if (allow.get(i) == null) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.allow[%d] to an empty rule", p, i);
      }
      allow.get(i).validate(p + ".allow[" + i + "]");
    }
  }
}

package io.trailwatch.config;

import io.trailwatch.core.ErrorCode;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.trailwatch.core.TrailwatchException;
import io.trailwatch.identity.IdentityTypes;
import io.trailwatch.policy.AlertOn;
import io.trailwatch.policy.Severity;
import io.trailwatch.dimensions.Dimension;
import java.io.Serializable;
import java.util.EnumMap;
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
    @JsonProperty("allow") List<AllowRule> allow,
    /** Per dimension other than api: the severity a new value of it starts from. */
    @JsonProperty("dimensions") Map<Dimension, DimensionPolicy> dimensions,
    /** How a behaviour's prevalence among its peers moves its severity. */
    @JsonProperty("prevalence") PrevalenceConfig prevalence,
    /**
     * A returning behaviour (last seen before its baseline row expired) is this many levels less
     * severe than one never seen, never below its call's level in the sensitive-actions catalogue; 0 turns it off.
     */
    @JsonProperty("returning-severity-drop") Integer returningSeverityDrop) implements Serializable {

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
    Map<Dimension, DimensionPolicy> dims = new EnumMap<>(Dimension.class);
    dims.put(Dimension.REGION, new DimensionPolicy(Severity.MEDIUM));
    dims.put(Dimension.NETWORK, new DimensionPolicy(Severity.LOW));
    dims.put(Dimension.CLIENT, new DimensionPolicy(Severity.LOW));
    if (dimensions != null) {
      dimensions.forEach((d, v) -> {
        if (d != null && v != null) {
          dims.put(d, v);
        }
      });
    }
    dimensions = Map.copyOf(dims);
    prevalence = prevalence == null ? PrevalenceConfig.defaults() : prevalence;
    returningSeverityDrop = Checks.orDefault(returningSeverityDrop, 1);
  }

  /** Without the returning severity drop (its default). */
  public PolicyConfig(Integer learningDays, Map<String, TypePolicy> identityTypes, AlertOn serviceLinkedRoles,
      Integer manyNewBehaviors, Map<String, Severity> sensitiveActions, List<AllowRule> allow,
      Map<Dimension, DimensionPolicy> dimensions, PrevalenceConfig prevalence) {
    this(learningDays, identityTypes, serviceLinkedRoles, manyNewBehaviors, sensitiveActions, allow, dimensions,
        prevalence, null);
  }

  /** Without dimension policies and prevalence settings (their defaults). */
  public PolicyConfig(Integer learningDays, Map<String, TypePolicy> identityTypes, AlertOn serviceLinkedRoles,
      Integer manyNewBehaviors, Map<String, Severity> sensitiveActions, List<AllowRule> allow) {
    this(learningDays, identityTypes, serviceLinkedRoles, manyNewBehaviors, sensitiveActions, allow, null, null);
  }

  /** The severity a new value of {@code d} (not api) starts from. */
  public Severity dimensionSeverity(Dimension d) {
    DimensionPolicy p = dimensions.get(d);
    return p == null ? Severity.MEDIUM : p.severity();
  }

  public static PolicyConfig defaults() {
    return new PolicyConfig(null, null, null, null, null, null, null, null);
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

  /** The policy of one dimension other than api. */
  public record DimensionPolicy(
      /** The severity a new value starts from, before sensitive calls made with it and prevalence move it. */
      @JsonProperty("severity") Severity severity) implements Serializable {}

  /**
   * How prevalence moves a new behaviour's severity: up one level when nobody else in the
   * business unit has it in the baseline, down one level when more than {@code routineShare} of
   * the account's principals of the same identity type have it (and at least {@code minPeers}).
   */
  public record PrevalenceConfig(
      /** Raise a behaviour new to the whole business unit one level. */
      @JsonProperty("raise-when-new-to-business-unit") Boolean raiseWhenNewToBusinessUnit,
      /** Lower a behaviour one level when more than this share of the account's peers have it; 1 turns it off. */
      @JsonProperty("routine-share") Double routineShare,
      /** ... and at least this many of them. */
      @JsonProperty("min-peers") Integer minPeers) implements Serializable {

    public PrevalenceConfig {
      raiseWhenNewToBusinessUnit = raiseWhenNewToBusinessUnit == null ? Boolean.TRUE : raiseWhenNewToBusinessUnit;
      routineShare = routineShare == null ? 0.5 : routineShare;
      minPeers = Checks.orDefault(minPeers, 3);
    }

    public static PrevalenceConfig defaults() {
      return new PrevalenceConfig(null, null, null);
    }

    void validate(String p) {
      if (!(routineShare > 0 && routineShare <= 1)) {
        throw Checks.bad(p + ".routine-share", routineShare, "must be > 0 and <= 1 (1 turns lowering off)");
      }
      Checks.atLeast(p + ".min-peers", minPeers, 1);
    }
  }

  void validate(String p) {
    Checks.atLeast(p + ".learning-days", learningDays, 0);
    Checks.atLeast(p + ".many-new-behaviors", manyNewBehaviors, 1);
    Checks.atLeast(p + ".returning-severity-drop", returningSeverityDrop, 0);
    Checks.atMost(p + ".returning-severity-drop", returningSeverityDrop, 4);
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
    if (dimensions.containsKey(Dimension.API)) {
      throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.dimensions.api: the severity of new api"
          + " behaviour is the identity type's (%s.identity-types.<type>.severity)", p, p);
    }
    for (Map.Entry<Dimension, DimensionPolicy> e : dimensions.entrySet()) {
      if (e.getValue().severity() == null) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.dimensions.%s.severity to an empty value",
            p, e.getKey().label());
      }
    }
    prevalence.validate(p + ".prevalence");
    for (int i = 0; i < allow.size(); i++) {
      if (allow.get(i) == null) {
        throw TrailwatchException.of(ErrorCode.BAD_CONFIG_VALUE, "Cannot set %s.allow[%d] to an empty rule", p, i);
      }
      allow.get(i).validate(p + ".allow[" + i + "]");
    }
  }
}

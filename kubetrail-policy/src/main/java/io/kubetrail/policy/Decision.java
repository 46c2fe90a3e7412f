package io.kubetrail.policy;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.util.Collections;
import java.util.EnumSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What a policy decides for one request: the level, the stages left out and whether managed fields
 * are dropped from bodies. {@link PolicyEvaluator} builds one per rule (and one for "no rule
 * matched") when it compiles a policy and hands out the same instances, so evaluating allocates
 * nothing.
 */
public final class Decision {
  private final Level level;
  private final Set<Stage> omitStages;
  private final int omitMask;
  private final boolean omitManagedFields;
  private final OptionalInt ruleIndex;

  Decision(Level level, Set<Stage> omitStages, boolean omitManagedFields, OptionalInt ruleIndex) {
    this.level = level;
    EnumSet<Stage> stages = EnumSet.noneOf(Stage.class);
    stages.addAll(omitStages);
    this.omitStages = Collections.unmodifiableSet(stages);
    int mask = 0;
    for (Stage s : stages) {
      mask |= 1 << s.ordinal();
    }
    this.omitMask = mask;
    this.omitManagedFields = omitManagedFields;
    this.ruleIndex = ruleIndex;
  }

  /** The level; {@link Level#None} when no rule matched or the matching rule says None. */
  public Level level() {
    return level;
  }

  /** The stages no event is written for: the rule's and the policy's, together. */
  public Set<Stage> omitStages() {
    return omitStages;
  }

  public boolean omits(Stage stage) {
    return (omitMask & (1 << stage.ordinal())) != 0;
  }

  /** Whether {@code metadata.managedFields} is removed from request and response bodies. */
  public boolean omitManagedFields() {
    return omitManagedFields;
  }

  /** The index of the rule that matched (0-based, as in {@code rules[i]}); empty when none did. */
  public OptionalInt ruleIndex() {
    return ruleIndex;
  }

  /** True when an event at this stage would be written at all. */
  public boolean logs(Stage stage) {
    return level != Level.None && !omits(stage);
  }

  @Override
  public String toString() {
    return "Decision[level="
        + level
        + ", omitStages="
        + omitStages
        + ", omitManagedFields="
        + omitManagedFields
        + ", rule="
        + (ruleIndex.isPresent() ? "rules[" + ruleIndex.getAsInt() + "]" : "none")
        + "]";
  }
}

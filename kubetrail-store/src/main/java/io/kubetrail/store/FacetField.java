package io.kubetrail.store;

import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import java.util.Locale;
import java.util.Optional;

/** A field whose values {@link AuditStore#facet} counts. */
public enum FacetField {
  /** {@code objectRef.namespace}; the empty string for cluster-scoped objects. */
  NAMESPACE,
  /** {@code objectRef.resource}, the kind of object. */
  RESOURCE,
  /** {@code user.username}. */
  USER,
  /** {@code verb}. */
  VERB,
  /** {@code responseStatus.code}. */
  CODE;

  /** The name as the API spells it: {@code namespace}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The field's value in an event; empty when the event has none. */
  public Optional<String> valueOf(StoredEvent stored) {
    return switch (this) {
      case NAMESPACE -> stored.event().objectRef().map(ObjectReference::namespace);
      case RESOURCE -> stored.event().objectRef().map(ObjectReference::resource);
      case USER -> stored.event().user().map(UserInfo::username);
      case VERB -> Optional.of(stored.event().verb());
      case CODE ->
          stored.event().responseCode().isPresent()
              ? Optional.of(Integer.toString(stored.event().responseCode().getAsInt()))
              : Optional.empty();
    };
  }
}

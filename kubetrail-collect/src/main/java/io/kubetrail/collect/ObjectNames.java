package io.kubetrail.collect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.RawJson;
import java.io.IOException;

/**
 * The {@code name} every stored event carries, by Calico's rule: {@code
 * responseObject.metadata.name}, else {@code responseObject.details.name} (a delete answered with a
 * {@code Status}), else {@code objectRef.name}, else {@code "-"}. The response comes first because
 * a create by {@code generateName} has no name in its {@code objectRef}.
 *
 * <p>Unlike Calico's transform, an empty string counts as absent, so an event never gets an empty
 * name.
 */
public final class ObjectNames {
  /** The name of an event that names no object. */
  public static final String NONE = "-";

  private static final JsonFactory JSON = JsonFactory.builder().build();

  private ObjectNames() {}

  /**
   * The name of the object {@code event} is about, or {@value #NONE}. Equal to {@code
   * of(event.json())}, without parsing the event again: the decoder keeps the response's name.
   */
  public static String of(AuditEvent event) {
    if (!event.responseName().isEmpty()) {
      return event.responseName();
    }
    return event.objectRef().map(ObjectReference::name).filter(n -> !n.isEmpty()).orElse(NONE);
  }

  /**
   * The name of the object the event in {@code event} is about, or {@value #NONE}: for callers that
   * hold raw JSON rather than a decoded event.
   */
  public static String of(RawJson event) {
    byte[] bytes = event.unsafeBytes();
    try (JsonParser p = JSON.createParser(bytes, 0, bytes.length)) {
      return scanEvent(p);
    } catch (IOException e) {
      // Events reach here already decoded, so this is unreachable in practice; a name is only an
      // index field, never a reason to lose the event.
      return NONE;
    }
  }

  private static String scanEvent(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return NONE;
    }
    String metadataName = "";
    String detailsName = "";
    String refName = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.START_OBJECT && field.equals("responseObject")) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          JsonToken innerValue = p.nextToken();
          if (innerValue == JsonToken.START_OBJECT && inner.equals("metadata")) {
            metadataName = stringField(p, "name");
          } else if (innerValue == JsonToken.START_OBJECT && inner.equals("details")) {
            detailsName = stringField(p, "name");
          } else {
            p.skipChildren();
          }
        }
      } else if (value == JsonToken.START_OBJECT && field.equals("objectRef")) {
        refName = stringField(p, "name");
      } else {
        p.skipChildren();
      }
    }
    if (!metadataName.isEmpty()) {
      return metadataName;
    }
    if (!detailsName.isEmpty()) {
      return detailsName;
    }
    return refName.isEmpty() ? NONE : refName;
  }

  /**
   * Reads the rest of the current object and returns its string field {@code name}, or "" when it
   * has none. Leaves the parser on the object's END_OBJECT.
   */
  private static String stringField(JsonParser p, String name) throws IOException {
    String found = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_STRING && field.equals(name)) {
        found = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return found;
  }
}

package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values of an event's fields from a Jackson parser positioned on the value's first
 * token. A value of the wrong type is skipped whole and reported as an {@link InvalidField} naming
 * its path; JSON null gives null (or an empty collection) where the field is optional.
 */
final class JsonValues {
  private JsonValues() {}

  static String string(JsonParser p, JsonToken t, String path) throws IOException, InvalidField {
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    p.skipChildren();
    throw typeError(path, "string", t);
  }

  /** An enum-valued string; null when the value is JSON null. */
  static <E extends Enum<E>> E enumValue(
      JsonParser p, JsonToken t, String path, E[] values, String allowed)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(path, "string", t);
    }
    for (E value : values) {
      if (textEquals(p, value.name())) {
        return value;
      }
    }
    throw new InvalidField(
        path + ": expected one of " + allowed + ", got " + JsonSupport.quote(p.getText()));
  }

  /** Whether the current string token is {@code s}, without building a String. */
  static boolean textEquals(JsonParser p, String s) throws IOException {
    int len = p.getTextLength();
    if (len != s.length()) {
      return false;
    }
    char[] c = p.getTextCharacters();
    int off = p.getTextOffset();
    for (int i = 0; i < len; i++) {
      if (c[off + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static Instant timestamp(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(path, "string", t);
    }
    Instant parsed = Rfc3339.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (parsed == null) {
      throw new InvalidField(
          path + ": expected an RFC 3339 timestamp, got " + JsonSupport.quote(p.getText()));
    }
    return parsed;
  }

  static InvalidField typeError(String path, String expected, JsonToken got) {
    return new InvalidField(path + ": expected " + expected + ", got " + JsonSupport.typeName(got));
  }

  static void expectObject(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw typeError(path, "object", t);
    }
  }

  static List<String> stringArray(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    return stringArray(p, t, path, null);
  }

  /**
   * The string array at {@code path}, or at {@code path[key]} when a key is given: that path is
   * built only for an error, not for every value read.
   */
  private static List<String> stringArray(JsonParser p, JsonToken t, String path, String key)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (t != JsonToken.START_ARRAY) {
      p.skipChildren();
      throw typeError(at(path, key), "array of strings", t);
    }
    JsonToken v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of();
    }
    // Immutable lists straight away for the usual one or two items (a source IP, a user's
    // groups), so that the records' List.copyOf has nothing to copy.
    String first = element(p, v, path, key, 0);
    v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of(first);
    }
    String second = element(p, v, path, key, 1);
    v = p.nextToken();
    if (v == JsonToken.END_ARRAY) {
      return List.of(first, second);
    }
    ArrayList<String> items = new ArrayList<>(4);
    items.add(first);
    items.add(second);
    for (; v != JsonToken.END_ARRAY; v = p.nextToken()) {
      items.add(element(p, v, path, key, items.size()));
    }
    return List.copyOf(items);
  }

  private static String element(JsonParser p, JsonToken v, String path, String key, int index)
      throws IOException, InvalidField {
    if (v != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw typeError(at(path, key) + "[" + index + "]", "string", v);
    }
    return p.getText();
  }

  /** {@code path}, or {@code path["key"]} when there is a key. */
  private static String at(String path, String key) {
    return key == null ? path : path + "[" + JsonSupport.quote(key) + "]";
  }

  /**
   * An object of strings. The usual one or two entries (an authorization decision and its reason)
   * go straight into an immutable map; its keys are Jackson's canonical field names.
   */
  static Map<String, String> stringMap(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw typeError(path, "object of strings", t);
    }
    SmallMap<String> map = new SmallMap<>();
    String key;
    while ((key = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (v != JsonToken.VALUE_STRING) {
        p.skipChildren();
        throw typeError(path + "[" + JsonSupport.quote(key) + "]", "string", v);
      }
      map.put(key, p.getText());
    }
    return map.build();
  }

  /**
   * Builds an immutable map, straight away for the usual one or two entries (an authorization
   * decision and its reason, a service account's pod): no intermediate map to copy. A repeated key
   * keeps its last value, as in a HashMap.
   */
  private static final class SmallMap<V> {
    private String k1;
    private V v1;
    private String k2;
    private V v2;
    private HashMap<String, V> more;

    void put(String key, V value) {
      if (more != null) {
        more.put(key, value);
      } else if (k1 == null || k1.equals(key)) {
        k1 = key;
        v1 = value;
      } else if (k2 == null || k2.equals(key)) {
        k2 = key;
        v2 = value;
      } else {
        more = new HashMap<>();
        more.put(k1, v1);
        more.put(k2, v2);
        more.put(key, value);
      }
    }

    Map<String, V> build() {
      if (more != null) {
        return Map.copyOf(more);
      }
      return k2 != null ? Map.of(k1, v1, k2, v2) : k1 != null ? Map.of(k1, v1) : Map.of();
    }
  }

  /**
   * A UserInfo; null for JSON null, and for {@code {}}, with which failed logins are audited.
   *
   * @param parent {@link EventField#USER} or {@link EventField#IMPERSONATED_USER}
   */
  static UserInfo user(
      JsonParser p, JsonToken t, EventField parent, FieldNames<EventField.User> fields)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    expectObject(p, t, parent.jsonName());
    String username = "";
    String uid = "";
    List<String> groups = List.of();
    Map<String, List<String>> extra = Map.of();
    EventField.User field = null;
    while ((field = fields.next(p, field)) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case USERNAME -> username = orEmpty(string(p, v, field.path(parent)));
        case UID -> uid = orEmpty(string(p, v, field.path(parent)));
        case GROUPS -> groups = stringArray(p, v, field.path(parent));
        case EXTRA -> extra = extra(p, v, field.path(parent));
        case OTHER -> p.skipChildren();
      }
    }
    if (username.isEmpty() && uid.isEmpty() && groups.isEmpty() && extra.isEmpty()) {
      return null;
    }
    return new UserInfo(username, uid, groups, extra);
  }

  private static Map<String, List<String>> extra(JsonParser p, JsonToken t, String path)
      throws IOException, InvalidField {
    if (t == JsonToken.VALUE_NULL) {
      return Map.of();
    }
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      throw typeError(path, "object of string arrays", t);
    }
    SmallMap<List<String>> extra = new SmallMap<>();
    String key;
    while ((key = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      extra.put(key, stringArray(p, v, path, key));
    }
    return extra.build();
  }

  /**
   * The name of the object a response body holds: its {@code metadata.name}, else its {@code
   * details.name}, else "". The body is not modelled, so values of other types are passed over, not
   * rejected. Reads to the body's END_OBJECT.
   */
  static String responseName(JsonParser p) throws IOException {
    String metadataName = "";
    String detailsName = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
      } else if (field.equals("metadata")) {
        metadataName = nameIn(p);
      } else if (field.equals("details")) {
        detailsName = nameIn(p);
      } else {
        p.skipChildren();
      }
    }
    return metadataName.isEmpty() ? detailsName : metadataName;
  }

  /** The string field {@code name} of the object being read, or "". Reads to its END_OBJECT. */
  private static String nameIn(JsonParser p) throws IOException {
    String name = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      boolean isName = p.currentName().equals("name");
      if (p.nextToken() == JsonToken.VALUE_STRING && isName) {
        name = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return name;
  }

  static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}

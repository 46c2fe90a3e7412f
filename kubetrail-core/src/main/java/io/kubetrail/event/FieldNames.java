package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The field names of one kind of JSON object, numbered, with a guess at which field comes next.
 * kube-apiserver writes every event's fields in the same order, so the guess is nearly always
 * right, and then Jackson matches the name's bytes directly instead of looking it up.
 *
 * <p>Not thread-safe: the guesses are learnt from the events read.
 */
final class FieldNames {
  /** The id {@link #next} returns for a name not in the list. */
  static final int OTHER = -1;

  /** The id {@link #next} returns at the end of the object. */
  static final int END = -2;

  private final SerializedString[] names;
  private final Map<String, Integer> ids = new HashMap<>();
  // Indexed by the previous field's id + 2 (so OTHER and the start of the object fit).
  private final int[] guesses;

  FieldNames(String... names) {
    this.names = new SerializedString[names.length];
    for (int i = 0; i < names.length; i++) {
      this.names[i] = new SerializedString(names[i]);
      ids.put(names[i], i);
    }
    guesses = new int[names.length + 2];
    Arrays.fill(guesses, OTHER);
  }

  /** The slot to pass as {@code previous} for an object's first field. */
  static int start() {
    return END;
  }

  /**
   * Moves {@code p} to the next field name of the object it is in.
   *
   * @param previous the id of the field before, or {@link #start()}
   * @return the field's id, {@link #OTHER} for a name not in the list, or {@link #END}
   */
  int next(JsonParser p, int previous) throws IOException {
    int guess = guesses[previous + 2];
    if (guess >= 0) {
      if (p.nextFieldName(names[guess])) {
        return guess;
      }
    } else {
      p.nextToken();
    }
    if (p.currentToken() != JsonToken.FIELD_NAME) {
      return END;
    }
    Integer id = ids.get(p.currentName());
    int field = id == null ? OTHER : id;
    guesses[previous + 2] = field;
    return field;
  }
}

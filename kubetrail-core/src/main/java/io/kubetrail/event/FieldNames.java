package io.kubetrail.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Matches the field names of one kind of JSON object against a table of fields (an enum), with a
 * guess at which field comes next. kube-apiserver writes every event's fields in the same order, so
 * the guess is nearly always right, and then Jackson matches the name's bytes directly instead of
 * looking it up.
 *
 * <p>Not thread-safe: the guesses are learnt from the events read.
 *
 * @param <F> the table; exactly one of its constants has no JSON name and stands for every name not
 *     in the table
 */
final class FieldNames<F extends Enum<F> & FieldNames.Named> {
  /** A field of a table: its name in JSON, or null for the constant that stands for the others. */
  interface Named {
    String jsonName();
  }

  private final F[] fields;
  private final SerializedString[] names;
  private final Map<String, F> byName = new HashMap<>();
  private final F other;
  // Indexed by the previous field's ordinal + 1 (0 is the start of the object); null: no guess.
  private final F[] guesses;

  FieldNames(Class<F> table) {
    fields = table.getEnumConstants();
    names = new SerializedString[fields.length];
    F unnamed = null;
    for (F f : fields) {
      if (f.jsonName() == null) {
        unnamed = f;
      } else {
        names[f.ordinal()] = new SerializedString(f.jsonName());
        byName.put(f.jsonName(), f);
      }
    }
    if (unnamed == null) {
      throw new IllegalArgumentException(
          table.getSimpleName() + " has no constant for other names");
    }
    other = unnamed;
    guesses = Arrays.copyOf(fields, fields.length + 1);
    Arrays.fill(guesses, null);
  }

  /**
   * Moves {@code p} to the next field name of the object it is in.
   *
   * @param previous the field before, or null for the object's first field
   * @return the field, the table's constant for other names, or null at the end of the object
   */
  F next(JsonParser p, F previous) throws IOException {
    int slot = previous == null ? 0 : previous.ordinal() + 1;
    F guess = guesses[slot];
    if (guess != null) {
      if (p.nextFieldName(names[guess.ordinal()])) {
        return guess;
      }
    } else {
      p.nextToken();
    }
    if (p.currentToken() != JsonToken.FIELD_NAME) {
      return null;
    }
    F field = byName.getOrDefault(p.currentName(), other);
    guesses[slot] = field == other ? null : field;
    return field;
  }
}

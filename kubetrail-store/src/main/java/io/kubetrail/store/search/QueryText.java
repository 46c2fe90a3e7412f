package io.kubetrail.store.search;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.event.TimeText;
import io.kubetrail.store.EventQuery;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Search filters given as text, read one way by every front end. Each method names the parameter it
 * reads in its errors ({@link BadParameterException}).
 */
public final class QueryText {
  private QueryText() {}

  /**
   * Narrows a query to {@code resource[.group][/subresource]}, as kubectl names resources ({@code
   * pods}, {@code deployments.apps}, {@code pods/log}).
   *
   * @param group the parameter that gives the group on its own, when it is given: then the text
   *     must not name one
   */
  public static void resource(
      EventQuery.Builder q, String text, Optional<String> group, String parameter) {
    String rest = text;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      q.subresource(rest.substring(slash + 1));
      rest = rest.substring(0, slash);
    }
    int dot = rest.indexOf('.');
    if (dot >= 0) {
      if (group.isPresent()) {
        throw new BadParameterException(
            parameter,
            parameter
                + " "
                + text
                + " names a group, and so does "
                + group.get()
                + ": give only one");
      }
      q.apiGroup(rest.substring(dot + 1));
      rest = rest.substring(0, dot);
    }
    if (rest.isEmpty()) {
      throw new BadParameterException(parameter, parameter + " " + text + " names no resource");
    }
    q.resource(rest);
  }

  /** An API group; {@code core} and the empty string both name the core group. */
  public static String group(String text) {
    return text.equals("core") ? "" : text;
  }

  /** A time: RFC 3339, or a time ago ({@code 2h}) counted from {@code now}. */
  public static Instant time(String text, Instant now, String parameter) {
    try {
      return TimeText.parseInstant(text, now);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException(parameter, parameter + ": " + e.getMessage());
    }
  }

  /** Response codes, each 100 to 599. */
  public static Set<Integer> codes(List<String> texts, String parameter) {
    Set<Integer> out = new LinkedHashSet<>();
    for (String t : split(texts)) {
      int code;
      try {
        code = Integer.parseInt(t);
      } catch (NumberFormatException e) {
        throw new BadParameterException(
            parameter, parameter + ": '" + t + "' is not a response code (100 to 599)");
      }
      if (code < 100 || code > 599) {
        throw new BadParameterException(
            parameter, parameter + ": " + code + " is not a response code (100 to 599)");
      }
      out.add(code);
    }
    return out;
  }

  /** Audit levels by name ({@code Metadata}, {@code RequestResponse}, ...). */
  public static Set<Level> levels(List<String> texts, String parameter) {
    return named(texts, Level.class, parameter);
  }

  /** Stages by name ({@code ResponseComplete}, ...). */
  public static Set<Stage> stages(List<String> texts, String parameter) {
    return named(texts, Stage.class, parameter);
  }

  /** Values given repeated, comma separated, or both; blanks dropped. */
  public static List<String> split(List<String> texts) {
    return texts.stream()
        .flatMap(t -> Arrays.stream(t.split(",")))
        .map(String::trim)
        .filter(t -> !t.isEmpty())
        .collect(Collectors.toList());
  }

  private static <E extends Enum<E>> Set<E> named(
      List<String> texts, Class<E> type, String parameter) {
    Set<E> out = new LinkedHashSet<>();
    for (String t : split(texts)) {
      out.add(one(t, type, parameter));
    }
    return out;
  }

  /** One constant of an enum, by its name in any case ({@code csv} for {@code CSV}). */
  public static <E extends Enum<E>> E one(String text, Class<E> type, String parameter) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text)) {
        return e;
      }
    }
    throw new BadParameterException(
        parameter,
        parameter
            + ": '"
            + text
            + "' is not one of "
            + Arrays.stream(type.getEnumConstants())
                .map(Enum::name)
                .collect(Collectors.joining(", ")));
  }
}

package io.kubetrail.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.store.search.BadParameterException;
import io.kubetrail.store.search.QueryText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reading parameters and writing JSON: the little every route needs. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    JSON.getFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  private Http() {}

  /** A single-valued parameter; repeated, it is an error. */
  static Optional<String> param(Context ctx, String name) {
    List<String> values = ctx.queryParams(name);
    if (values.size() > 1) {
      throw new BadParameterException(
          name, name + " is given " + values.size() + " times: give it once");
    }
    return values.stream().findFirst().filter(v -> !v.isEmpty());
  }

  static String required(Context ctx, String name) {
    return param(ctx, name)
        .orElseThrow(() -> new BadParameterException(name, name + " is required"));
  }

  /** Every value of a parameter, repeated or comma separated. */
  static List<String> values(Context ctx, String name) {
    return QueryText.split(ctx.queryParams(name));
  }

  static boolean flag(Context ctx, String name) {
    Optional<String> v = param(ctx, name);
    if (v.isEmpty()) {
      return false;
    }
    return switch (v.get()) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default ->
          throw new BadParameterException(
              name, name + ": expected true or false, got '" + v.get() + "'");
    };
  }

  static int integer(Context ctx, String name, int fallback, int min, int max) {
    Optional<String> v = param(ctx, name);
    if (v.isEmpty()) {
      return fallback;
    }
    int n;
    try {
      n = Integer.parseInt(v.get());
    } catch (NumberFormatException e) {
      throw new BadParameterException(name, name + ": '" + v.get() + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new BadParameterException(
          name, name + ": " + n + " is outside [" + min + ", " + max + "]");
    }
    return n;
  }

  static Optional<Instant> time(Context ctx, String name, Instant now) {
    return param(ctx, name).map(t -> QueryText.time(t, now, name));
  }

  static void json(Context ctx, JsonNode body) {
    try {
      ctx.contentType("application/json").result(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a JSON body piece by piece. */
  @FunctionalInterface
  interface JsonBody {
    void write(JsonGenerator g) throws IOException;
  }

  /** A JSON body written straight into the response's bytes, with no tree in between. */
  static void json(Context ctx, JsonBody body) {
    ByteArrayBuilder out = new ByteArrayBuilder(16 * 1024);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ctx.contentType("application/json").result(out.toByteArray());
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** The error body every failure gets: {@code {"message", "parameter"}}. */
  static void error(Context ctx, int status, String parameter, String message) {
    ObjectNode body = object();
    body.put("message", message);
    body.put("parameter", parameter);
    ctx.status(status);
    json(ctx, body);
  }
}

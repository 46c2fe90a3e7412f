package io.kubetrail.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** {@code GET /openapi.json}: the API's description, written by hand beside the routes. */
final class OpenApi {
  static final String RESOURCE = "openapi.json";

  private OpenApi() {}

  static byte[] document() {
    try (InputStream in = OpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void serve(Context ctx) {
    ctx.contentType("application/json").result(document());
  }
}

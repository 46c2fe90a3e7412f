package io.kubetrail.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.server.auth.Authenticator;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.search.BadParameterException;
import java.io.IOException;
import java.util.Optional;

/** Browser sessions: log in with a token, log out, and who one is. */
final class Login {
  private Login() {}

  /** {@code POST /login} with {@code {"token": "..."}}: sets the session cookie. */
  static void login(Context ctx, Authenticator auth, Sessions sessions) {
    JsonNode body;
    try {
      body = Http.JSON.readTree(ctx.bodyAsBytes());
    } catch (IOException e) {
      throw new BadParameterException("token", "expected a JSON body {\"token\": \"...\"}");
    }
    if (body == null || !body.path("token").isTextual() || body.path("token").asText().isEmpty()) {
      throw new BadParameterException("token", "expected a JSON body {\"token\": \"...\"}");
    }
    Optional<Caller> caller =
        auth.open() ? auth.authenticate("") : auth.authenticate(body.get("token").asText());
    if (caller.isEmpty()) {
      throw ApiException.unauthorized("the token is not valid");
    }
    String id = sessions.open(caller.get());
    ctx.cookie(
        KubetrailServer.sessionCookie(
            id, (int) sessions.lifetimeSeconds(), ctx.scheme().equals("https")));
    whoami(ctx, caller.get());
  }

  /** {@code POST /logout}: ends the session and clears the cookie. */
  static void logout(Context ctx, Sessions sessions) {
    String id = ctx.cookie(Sessions.COOKIE);
    if (id != null) {
      sessions.close(id);
    }
    ctx.cookie(KubetrailServer.sessionCookie("", 0, ctx.scheme().equals("https")));
    ctx.status(204);
  }

  /** {@code GET /whoami}: the caller's name, role and (for a viewer) namespaces. */
  static void whoami(Context ctx, Caller caller) {
    ObjectNode body = Http.object();
    body.put("name", caller.name());
    body.put("role", caller.role().id());
    var ns = body.putArray("namespaces");
    caller.namespaces().forEach(ns::add);
    Http.json(ctx, body);
  }
}

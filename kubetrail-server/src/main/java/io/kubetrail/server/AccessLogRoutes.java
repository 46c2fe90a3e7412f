package io.kubetrail.server;

import io.javalin.http.Context;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.server.auth.Role;

/** {@code GET /access-log/events}: admins search the access log as they search events. */
final class AccessLogRoutes {
  private final ServerContext server;
  private final EventRoutes events;

  AccessLogRoutes(ServerContext server) {
    this.server = server;
    this.events = new EventRoutes(server);
  }

  void search(Context ctx, Caller caller) throws Exception {
    if (caller.role() != Role.ADMIN) {
      throw ApiException.forbidden("", "only an admin may read the access log");
    }
    if (!(server.access() instanceof StoreAccessLog log)) {
      throw ApiException.notFound("", "this server keeps no access log");
    }
    events.search(ctx, caller, log.store());
  }
}

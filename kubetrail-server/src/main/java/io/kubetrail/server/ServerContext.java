package io.kubetrail.server;

import io.kubetrail.history.HistoryOptions;
import java.time.Clock;
import java.time.Instant;

/** What every route shares: the options, the clock, the access log and the replay options. */
record ServerContext(ServerOptions options, Clock clock, AccessLog access, HistoryOptions history) {
  Instant now() {
    return clock.instant();
  }
}

package io.kubetrail.server;

import io.kubetrail.server.auth.Caller;
import io.kubetrail.server.auth.TokenHash;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions: {@code POST /login} with a valid token opens one, named by a random id in an
 * HttpOnly, SameSite=Strict cookie. Kept in memory (a restart logs everyone out) and keyed by the
 * id's hash, so that not even a heap dump holds a usable id.
 */
final class Sessions {
  static final String COOKIE = "kubetrail_session";

  private record Session(Caller caller, Instant expires) {}

  private final Map<String, Session> byHash = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration lifetime;

  Sessions(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  /** Opens a session; returns its id. */
  String open(Caller caller) {
    String id = TokenHash.newToken();
    byHash.put(TokenHash.of(id), new Session(caller, clock.instant().plus(lifetime)));
    byHash.values().removeIf(s -> s.expires().isBefore(clock.instant()));
    return id;
  }

  Optional<Caller> caller(String id) {
    Session s = byHash.get(TokenHash.of(id));
    if (s == null || s.expires().isBefore(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(s.caller());
  }

  void close(String id) {
    byHash.remove(TokenHash.of(id));
  }

  long lifetimeSeconds() {
    return lifetime.getSeconds();
  }
}

package io.kubetrail.server.auth;

import java.util.Optional;

/** Tells who holds a bearer token. */
public interface Authenticator {
  /**
   * The caller a token belongs to; empty when the token is not valid.
   *
   * @throws AuthUnavailableException when the authority that checks tokens cannot be asked
   */
  Optional<Caller> authenticate(String token);

  /**
   * Where an authenticator that decides per namespace finds the namespaces to decide on (those the
   * store holds events of); the server sets it. Others ignore it.
   */
  default void namespaces(java.util.function.Supplier<java.util.Set<String>> source) {}

  /** Whether requests without a token are served (loopback-only, no authentication). */
  default boolean open() {
    return false;
  }

  /** Every caller is an admin: for {@code serve} without {@code --auth}, on loopback only. */
  static Authenticator none() {
    Caller local = Caller.of("local", Role.ADMIN, java.util.Set.of());
    return new Authenticator() {
      @Override
      public Optional<Caller> authenticate(String token) {
        return Optional.of(local);
      }

      @Override
      public boolean open() {
        return true;
      }
    };
  }
}

package io.kubetrail.store;

import java.io.IOException;

/**
 * A kind of store that {@link AuditStores#open} can open, found with {@link
 * java.util.ServiceLoader}: a module that implements {@link AuditStore} elsewhere than in a local
 * directory registers one under {@code META-INF/services/io.kubetrail.store.StoreProvider}.
 */
public interface StoreProvider {

  /** The location schemes this provider opens, lower case ({@code http}, {@code https}). */
  java.util.Set<String> schemes();

  /**
   * Opens the store at {@code location}, creating it when absent unless the options are read-only.
   *
   * @throws IllegalArgumentException when the location is malformed, saying how
   * @throws StoreException when the store cannot be reached or opened, naming its location
   */
  AuditStore open(String location, StoreOptions options) throws IOException;
}

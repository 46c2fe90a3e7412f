package io.kubetrail.store;

import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens a store by its location: a directory for the embedded store, or a URL whose scheme a {@link
 * StoreProvider} on the class path opens ({@code http://host:9200} for OpenSearch). A location that
 * looks like a URL is never taken for a directory.
 */
public final class AuditStores {
  // A scheme is letters, digits, '+', '-', '.' after a letter, then "://".
  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*)://.*");

  private AuditStores() {}

  /**
   * Opens the store at {@code location}.
   *
   * @throws IllegalArgumentException when the location's scheme is one no provider opens
   * @throws StoreException when the store cannot be opened, naming its location
   */
  public static AuditStore open(String location, StoreOptions options) throws IOException {
    Optional<String> scheme = scheme(location);
    if (scheme.isEmpty()) {
      return LuceneAuditStore.open(Path.of(location), options);
    }
    for (StoreProvider p : ServiceLoader.load(StoreProvider.class)) {
      if (p.schemes().contains(scheme.get())) {
        return p.open(location, options);
      }
    }
    throw new IllegalArgumentException(
        "'"
            + location
            + "' is not a store location this kubetrail opens: use a directory, or"
            + " http(s)://host:port for an OpenSearch or Elasticsearch cluster");
  }

  /** The URL scheme of a location, lower case, or empty for a directory. */
  public static Optional<String> scheme(String location) {
    Matcher m = SCHEME.matcher(location);
    return m.matches() ? Optional.of(m.group(1).toLowerCase(Locale.ROOT)) : Optional.empty();
  }

  /** The directory of a location that is one, or empty for a URL. */
  public static Optional<Path> directory(String location) {
    return scheme(location).isPresent() ? Optional.empty() : Optional.of(Path.of(location));
  }
}

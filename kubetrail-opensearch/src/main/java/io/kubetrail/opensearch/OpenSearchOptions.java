package io.kubetrail.opensearch;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an OpenSearch store is and how to reach it.
 *
 * <p>A location is {@code
 * http(s)://[user:password@]host:port[,host:port...][?prefix=NAME][&retention=DAYSd|off][&connectRetries=N]}.
 * The credentials may instead come from the environment: {@value #USERNAME_ENV} and {@value
 * #PASSWORD_ENV} for basic authentication, or {@value #API_KEY_ENV} (the base64 {@code id:key});
 * {@value #CA_FILE_ENV} names a PEM file of the certificate authorities to trust over https.
 *
 * @param hosts the nodes, tried in turn
 * @param username basic authentication user
 * @param password basic authentication password
 * @param apiKey an API key, sent as {@code Authorization: ApiKey ...}
 * @param caFile PEM certificates to trust instead of the JVM's
 * @param indexPrefix the event indices' name before {@code .<cluster>.<yyyyMMdd>}; default {@value
 *     #DEFAULT_PREFIX}, Calico's
 * @param requestTimeout how long one request may take; default 60 s
 * @param maxRetries how often a request refused with 429 or 5xx, or unanswered, is sent again, with
 *     a growing pause; default 8
 * @param connectTimeout how long connecting to a node may take; default {@value
 *     #DEFAULT_CONNECT_TIMEOUT_SECONDS} s
 * @param connectRetries the retry budget of a cluster that cannot be reached (refused connections,
 *     an unknown host, no connection within {@code connectTimeout}): every node is tried in turn,
 *     and after a round of failures the round is tried again after a pause (250 ms, doubling) at
 *     most this often, then the request fails with a {@link
 *     io.kubetrail.store.StoreUnavailableException}; default {@value #DEFAULT_CONNECT_RETRIES}, so
 *     a cluster that refuses connections is reported in under a second, and one that does not
 *     answer after 3 rounds of {@code connectTimeout} per node and 0.75 s of pauses. The location's
 *     {@code connectRetries=N} sets it, 0 to {@value #MAX_CONNECT_RETRIES}
 * @param bulkBytes the most bytes one {@code _bulk} request carries; default 8 MiB
 * @param retentionDays how many days after its creation the cluster deletes a daily event index,
 *     through an ISM (OpenSearch) or ILM (Elasticsearch) policy a writer installs; 0 for none;
 *     default {@value Retention#DEFAULT_DAYS}, Calico's
 */
public record OpenSearchOptions(
    List<URI> hosts,
    Optional<String> username,
    Optional<String> password,
    Optional<String> apiKey,
    Optional<Path> caFile,
    String indexPrefix,
    Duration requestTimeout,
    int maxRetries,
    int bulkBytes,
    int retentionDays,
    Duration connectTimeout,
    int connectRetries) {

  public static final String DEFAULT_PREFIX = "tigera_secure_ee_audit_kube";
  public static final String USERNAME_ENV = "KUBETRAIL_OPENSEARCH_USERNAME";
  public static final String PASSWORD_ENV = "KUBETRAIL_OPENSEARCH_PASSWORD";
  public static final String API_KEY_ENV = "KUBETRAIL_OPENSEARCH_API_KEY";
  public static final String CA_FILE_ENV = "KUBETRAIL_OPENSEARCH_CA_FILE";

  public static final int DEFAULT_CONNECT_RETRIES = 2;
  public static final int MAX_CONNECT_RETRIES = 20;
  public static final long DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

  /** The location's parameter that sets {@link #connectRetries()}, for messages. */
  public static final String CONNECT_RETRIES_SETTING = "connectRetries";

  /** A hundred years: retention beyond it is a typo. */
  static final int MAX_RETENTION_DAYS = 36_500;

  private static final Pattern RETENTION = Pattern.compile("(\\d{1,9})d");

  // Index names are lower case, and a prefix must not be a pattern.
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9_\\-]{0,99}");

  public OpenSearchOptions {
    hosts = List.copyOf(hosts);
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(indexPrefix, "indexPrefix");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one host");
    }
    if (!PREFIX.matcher(indexPrefix).matches()) {
      throw new IllegalArgumentException(
          "index prefix '"
              + indexPrefix
              + "' is not allowed: lower-case letters, digits, '_' and '-', at most 100");
    }
    if (maxRetries < 0 || bulkBytes < 1024) {
      throw new IllegalArgumentException("maxRetries >= 0 and bulkBytes >= 1024");
    }
    if (connectRetries < 0 || connectRetries > MAX_CONNECT_RETRIES) {
      throw new IllegalArgumentException(
          CONNECT_RETRIES_SETTING
              + " must be 0 to "
              + MAX_CONNECT_RETRIES
              + ", was "
              + connectRetries);
    }
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout must be positive, was " + connectTimeout);
    }
    if (retentionDays < 0 || retentionDays > MAX_RETENTION_DAYS) {
      throw new IllegalArgumentException(
          "retention must be 0 (off) to " + MAX_RETENTION_DAYS + " days, was " + retentionDays);
    }
  }

  /** True when {@code location} names an OpenSearch store rather than a directory. */
  public static boolean isLocation(String location) {
    String l = location.toLowerCase(Locale.ROOT);
    return l.startsWith("http://") || l.startsWith("https://");
  }

  /**
   * Reads a location and the environment's credentials.
   *
   * @throws IllegalArgumentException naming what is wrong with the location
   */
  public static OpenSearchOptions parse(String location, Map<String, String> env) {
    if (!isLocation(location)) {
      throw new IllegalArgumentException(
          "'"
              + location
              + "' is not an OpenSearch location: it must start with http:// or https://");
    }
    int schemeEnd = location.indexOf("://");
    String scheme = location.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    String rest = location.substring(schemeEnd + 3);
    String query = "";
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    Optional<String> user = Optional.ofNullable(env.get(USERNAME_ENV));
    Optional<String> password = Optional.ofNullable(env.get(PASSWORD_ENV));
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = info.indexOf(':');
      user = Optional.of(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? password : Optional.of(info.substring(colon + 1));
    }
    if (rest.contains("/")) {
      throw new IllegalArgumentException(
          "'" + location + "': a store location has no path, only hosts and ?prefix=");
    }
    List<URI> hosts = new ArrayList<>();
    for (String host : rest.split(",")) {
      hosts.add(host(location, scheme, host.trim()));
    }
    String prefix = DEFAULT_PREFIX;
    int retention = Retention.DEFAULT_DAYS;
    int connectRetries = DEFAULT_CONNECT_RETRIES;
    for (String param : query.isEmpty() ? new String[0] : query.split("&")) {
      if (param.startsWith("prefix=")) {
        prefix = param.substring("prefix=".length());
      } else if (param.startsWith("retention=")) {
        retention = retention(location, param.substring("retention=".length()));
      } else if (param.startsWith(CONNECT_RETRIES_SETTING + "=")) {
        connectRetries =
            connectRetries(location, param.substring(CONNECT_RETRIES_SETTING.length() + 1));
      } else {
        throw new IllegalArgumentException(
            "'"
                + location
                + "': unknown parameter '"
                + param
                + "'; the parameters are prefix=, retention= and "
                + CONNECT_RETRIES_SETTING
                + "=");
      }
    }
    return new OpenSearchOptions(
        hosts,
        user,
        password,
        Optional.ofNullable(env.get(API_KEY_ENV)),
        Optional.ofNullable(env.get(CA_FILE_ENV)).map(Path::of),
        prefix,
        Duration.ofSeconds(60),
        8,
        8 << 20,
        retention,
        Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS),
        connectRetries);
  }

  private static int connectRetries(String location, String value) {
    int n = value.matches("\\d{1,2}") ? Integer.parseInt(value) : -1;
    if (n < 0 || n > MAX_CONNECT_RETRIES) {
      throw new IllegalArgumentException(
          "'"
              + location
              + "': "
              + CONNECT_RETRIES_SETTING
              + "="
              + value
              + " is not a number from 0 to "
              + MAX_CONNECT_RETRIES);
    }
    return n;
  }

  private static int retention(String location, String value) {
    if (value.equals("off")) {
      return 0;
    }
    java.util.regex.Matcher m = RETENTION.matcher(value);
    int days = m.matches() ? Integer.parseInt(m.group(1)) : -1;
    if (days < 1 || days > MAX_RETENTION_DAYS) {
      throw new IllegalArgumentException(
          "'"
              + location
              + "': retention="
              + value
              + " is not a number of days from 1d to "
              + MAX_RETENTION_DAYS
              + "d, or off");
    }
    return days;
  }

  private static URI host(String location, String scheme, String hostPort) {
    if (hostPort.isEmpty()) {
      throw new IllegalArgumentException("'" + location + "' names an empty host");
    }
    try {
      URI uri = new URI(scheme + "://" + hostPort);
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("'" + location + "': '" + hostPort + "' is no host");
      }
      int port = uri.getPort() < 0 ? 9200 : uri.getPort();
      return new URI(scheme, null, uri.getHost(), port, null, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + location + "': '" + hostPort + "' is no host:port (" + e.getReason() + ")", e);
    }
  }

  /** A copy with another index prefix. */
  public OpenSearchOptions withIndexPrefix(String prefix) {
    return new OpenSearchOptions(
        hosts,
        username,
        password,
        apiKey,
        caFile,
        prefix,
        requestTimeout,
        maxRetries,
        bulkBytes,
        retentionDays,
        connectTimeout,
        connectRetries);
  }

  /**
   * A copy with other retry budgets: {@code maxRetries} for requests refused for now or unanswered,
   * {@code connectRetries} for a cluster that cannot be reached.
   */
  public OpenSearchOptions withRetries(
      Duration requestTimeout, int maxRetries, Duration connectTimeout, int connectRetries) {
    return new OpenSearchOptions(
        hosts,
        username,
        password,
        apiKey,
        caFile,
        indexPrefix,
        requestTimeout,
        maxRetries,
        bulkBytes,
        retentionDays,
        connectTimeout,
        connectRetries);
  }

  /** The location as shown to users: hosts and prefix, never credentials. */
  public String displayLocation() {
    StringBuilder b = new StringBuilder();
    for (URI h : hosts) {
      b.append(b.length() == 0 ? "" : ",");
      b.append(b.length() == 0 ? h.toString() : h.getHost() + ":" + h.getPort());
    }
    return indexPrefix.equals(DEFAULT_PREFIX) ? b.toString() : b + "?prefix=" + indexPrefix;
  }
}

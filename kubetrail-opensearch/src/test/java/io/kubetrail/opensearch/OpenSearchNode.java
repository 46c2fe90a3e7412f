package io.kubetrail.opensearch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real single-node OpenSearch or Elasticsearch for tests, started from the distribution that the
 * build unpacks from Maven Central (system property {@code opensearch.home}, {@code
 * elasticsearch.home}): on 127.0.0.1, on free ports, in a temporary directory, with security off,
 * as the user {@code nobody} when the tests run as root (both refuse root). One node of each serves
 * every test of a JVM and stops when the JVM exits.
 */
public final class OpenSearchNode {
  /** The two engines' distributions: where they are and how they are told what to do. */
  public enum Distribution {
    OPENSEARCH("OpenSearch", "opensearch", "OPENSEARCH", List.of()),
    // The integration-test distribution has the security module; a test node speaks plain HTTP.
    ELASTICSEARCH(
        "Elasticsearch", "elasticsearch", "ES", List.of("-Expack.security.enabled=false"));

    private final String display;
    private final String name;
    private final String envPrefix;
    private final List<String> settings;

    Distribution(String display, String name, String envPrefix, List<String> settings) {
      this.display = display;
      this.name = name;
      this.envPrefix = envPrefix;
      this.settings = settings;
    }

    private String homeProperty() {
      return name + ".home";
    }
  }

  private static final String RUN_AS = "nobody";
  private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
  private static final Map<Distribution, OpenSearchNode> SHARED = new EnumMap<>(Distribution.class);

  private final Distribution distribution;
  private final Path work;
  private final List<String> command;
  private final int port;
  private Process process;

  private OpenSearchNode(Distribution distribution, Path work, List<String> command, int port) {
    this.distribution = distribution;
    this.work = work;
    this.command = command;
    this.port = port;
  }

  /** The OpenSearch node every test of this JVM shares, started on first use. */
  public static OpenSearchNode shared() {
    return shared(Distribution.OPENSEARCH);
  }

  /** The Elasticsearch node every test of this JVM shares, started on first use. */
  public static OpenSearchNode elasticsearch() {
    return shared(Distribution.ELASTICSEARCH);
  }

  /** The node of {@code distribution} every test of this JVM shares, started on first use. */
  public static synchronized OpenSearchNode shared(Distribution distribution) {
    OpenSearchNode node = SHARED.get(distribution);
    if (node == null) {
      try {
        node = start(distribution);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SHARED.put(distribution, node);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(node::stop, distribution.name + "-node-stop"));
    }
    return node;
  }

  /** Where the build unpacked the distribution. */
  public String home() {
    return System.getProperty(distribution.homeProperty());
  }

  /** {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** A store location of its own, with an index prefix no other test uses. */
  public String freshLocation(String hint) {
    String clean = hint.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "");
    clean = clean.substring(0, Math.min(clean.length(), 40));
    return url() + "?prefix=t" + Long.toHexString(System.nanoTime()) + "_" + clean;
  }

  private static OpenSearchNode start(Distribution d) throws IOException {
    String home = System.getProperty(d.homeProperty());
    if (home == null || !Files.isRegularFile(Path.of(home, "bin", d.name))) {
      throw new IllegalStateException(
          "no "
              + d.display
              + " distribution at "
              + home
              + " (system property "
              + d.homeProperty()
              + "); the build unpacks it in process-test-resources: run the tests through Maven");
    }
    Path work = Files.createTempDirectory("kubetrail-" + d.name + "-");
    Path conf = Files.createDirectories(work.resolve("config"));
    try (Stream<Path> files = Files.list(Path.of(home, "config"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, conf.resolve(f.getFileName()));
      }
    }
    Files.createDirectories(conf.resolve("jvm.options.d"));
    // The stock options write GC logs and heap dumps relative to the distribution, which the
    // node's user may not write; a test node needs neither.
    Path jvmOptions = conf.resolve("jvm.options");
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(jvmOptions)) {
      if (!line.contains("-Xlog")
          && !line.contains("-Xloggc")
          && !line.contains("HeapDumpPath")
          && !line.contains("ErrorFile")) {
        kept.add(line);
      }
    }
    Files.write(jvmOptions, kept);
    Files.createDirectories(work.resolve("data"));
    Files.createDirectories(work.resolve("logs"));
    Files.createDirectories(work.resolve("tmp"));
    boolean root = "root".equals(System.getProperty("user.name"));
    if (root) {
      // The build's directory may be closed to other users (a clone in a mktemp -d directory is):
      // the node's user gets a copy of the distribution it can reach.
      home = copyTree(Path.of(home), work.resolve(d.name)).toString();
      handOver(work);
    }
    int http = freePort();
    int transport = freePort();
    String javaHome = Path.of(System.getProperty("java.home")).toString();
    List<String> command = new ArrayList<>();
    if (root) {
      command.addAll(List.of("runuser", "-u", RUN_AS, "--"));
    }
    command.addAll(
        List.of(
            "env",
            d.envPrefix + "_JAVA_HOME=" + javaHome,
            d.envPrefix + "_PATH_CONF=" + conf,
            d.envPrefix + "_JAVA_OPTS=-Xms512m -Xmx512m",
            d.envPrefix + "_TMPDIR=" + work.resolve("tmp"),
            "bash",
            Path.of(home, "bin", d.name).toString(),
            "-p",
            work.resolve("node.pid").toString(),
            "-Ediscovery.type=single-node",
            "-Enetwork.host=127.0.0.1",
            "-Ehttp.port=" + http,
            "-Etransport.port=" + transport,
            "-Epath.data=" + work.resolve("data"),
            "-Epath.logs=" + work.resolve("logs"),
            "-Ecluster.routing.allocation.disk.threshold_enabled=false",
            "-Enode.processors=2"));
    command.addAll(d.settings);
    OpenSearchNode node = new OpenSearchNode(d, work, List.copyOf(command), http);
    node.launch();
    return node;
  }

  private void launch() throws IOException {
    process =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("console.log").toFile()))
            .start();
    awaitHealthy();
  }

  /** Kills the node as a crash would (SIGKILL: nothing flushed that was not synced). */
  public synchronized void kill() throws IOException {
    Path pidFile = work.resolve("node.pid");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
    process.destroyForcibly();
    Files.deleteIfExists(pidFile);
  }

  /** Starts a killed node again on the same data and port, and waits until it serves. */
  public synchronized void restart() throws IOException {
    launch();
  }

  private void awaitHealthy() throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(distribution.display + " exited at start: " + tail());
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(
                        URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + distribution.display, e);
      }
      sleep(500);
    }
    stop();
    throw new IllegalStateException(
        distribution.display + " did not start in " + START_TIMEOUT + ": " + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(work.resolve("console.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no console log: " + e + ")";
    }
  }

  /** Stops the node: SIGTERM to the engine's own process, then waits; removes its files. */
  public void stop() {
    try {
      Path pidFile = work.resolve("node.pid");
      if (Files.exists(pidFile)) {
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        ProcessHandle.of(pid)
            .ifPresent(h -> h.onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join());
      }
    } catch (IOException | RuntimeException e) {
      // Fall through to the launcher's own process.
    }
    process.destroy();
    try (Stream<Path> paths = Files.walk(work)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // A temporary directory left behind is harmless.
    }
  }

  private static Path copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path p : paths.toList()) {
        Files.copy(
            p,
            to.resolve(from.relativize(p).toString()),
            StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
      }
    }
    return to;
  }

  private static void handOver(Path work) throws IOException {
    UserPrincipal user =
        work.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(RUN_AS);
    try (Stream<Path> paths = Files.walk(work)) {
      for (Path p : paths.toList()) {
        Files.setOwner(p, user);
      }
    }
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

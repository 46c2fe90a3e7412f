package io.kubetrail.store;

import io.kubetrail.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@link StateRepository#inDirectory}: one file per blob. A blob is written to a temporary file of
 * its own, forced to disk and renamed over the old one, so a reader sees a whole file or none.
 */
final class DirectoryStateRepository implements StateRepository {
  private final Path root;

  DirectoryStateRepository(Path storeDirectory) {
    this.root = Objects.requireNonNull(storeDirectory, "storeDirectory").resolve("history");
  }

  @Override
  public SortedSet<String> clusters() throws IOException {
    SortedSet<String> clusters = new TreeSet<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> dirs = Files.list(root)) {
        for (Path d : dirs.filter(Files::isDirectory).toList()) {
          clusters.add(URLDecoder.decode(d.getFileName().toString(), StandardCharsets.UTF_8));
        }
      }
    }
    return clusters;
  }

  @Override
  public List<String> list(String cluster, StateKind kind) throws IOException {
    Path dir = folder(cluster, kind);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(StateKey::isName)
          .filter(n -> Files.isRegularFile(dir.resolve(n)))
          .sorted()
          .toList();
    }
  }

  @Override
  public Optional<InputStream> open(StateKey key) throws IOException {
    try {
      return Optional.of(Files.newInputStream(file(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void put(StateKey key, Content content) throws IOException {
    AtomicFiles.replace(file(key), content::writeTo);
  }

  @Override
  public boolean delete(StateKey key) throws IOException {
    return Files.deleteIfExists(file(key));
  }

  @Override
  public String describe(StateKey key) {
    return file(key).toString();
  }

  private Path file(StateKey key) {
    return folder(key.cluster(), key.kind()).resolve(key.name());
  }

  private Path folder(String cluster, StateKind kind) {
    return root.resolve(safe(cluster)).resolve(kind.folder());
  }

  /** A cluster's name as a file name: URL-encoded, and never {@code .} or {@code ..}. */
  static String safe(String cluster) {
    if (cluster.isEmpty()) {
      throw new IllegalArgumentException("cluster must not be empty");
    }
    String safe = URLEncoder.encode(cluster, StandardCharsets.UTF_8).replace("*", "%2A");
    if (safe.equals(".") || safe.equals("..")) {
      safe = safe.replace(".", "%2E");
    }
    return safe;
  }

  @Override
  public String toString() {
    return "state files under " + root;
  }
}

package io.kubetrail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One flipped byte in any file of a store, in its middle or near its end: verify exits 1 naming the
 * file, and search either works or says the same; neither prints a stack trace. Two small stores:
 * as ingest writes them (a segment of plain files per commit) and merged into one compound file, as
 * merges of a grown store write the smaller segments.
 */
class DamagedStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static Path pristine;

  @TempDir Path tmp;

  static synchronized Stream<Arguments> damage() throws IOException {
    if (pristine == null) {
      pristine = Files.createTempDirectory("kubetrail-damaged-store");
      Path ingested = pristine.resolve("ingested");
      ingest(ingested, 0, 40);
      ingest(ingested, 40, 40);
      Path compound = pristine.resolve("compound");
      copy(ingested, compound);
      mergeIntoCompoundFile(compound);
    }
    List<Arguments> cases = new ArrayList<>();
    for (String kind : List.of("ingested", "compound")) {
      try (Stream<Path> files = Files.list(pristine.resolve(kind))) {
        for (Path f : files.sorted().toList()) {
          String name = f.getFileName().toString();
          if (name.equals(IndexWriter.WRITE_LOCK_NAME)) {
            continue;
          }
          cases.add(Arguments.of(kind, name, "middle"));
          cases.add(Arguments.of(kind, name, "near the end"));
        }
      }
    }
    return cases.stream();
  }

  @AfterAll
  static void deletePristine() throws IOException {
    if (pristine != null) {
      delete(pristine);
    }
  }

  @ParameterizedTest(name = "{0} store, {1}, {2}")
  @MethodSource("damage")
  void anyFlippedByteIsReportedByNameWithoutAStackTrace(String kind, String file, String where)
      throws IOException {
    Path store = tmp.resolve("store");
    copy(pristine(kind), store);
    Path damaged = store.resolve(file);
    long size = Files.size(damaged);
    // Near the end: the last bytes before the 16-byte footer that holds the checksum.
    flip(damaged, where.equals("middle") ? size / 2 : Math.max(0, size - 20));

    CliRun verify = CliRun.run("verify", "--store", store.toString());
    assertThat(verify.exitCode()).as(verify.err()).isEqualTo(ExitCodes.DAMAGED);
    assertThat(verify.err())
        .contains(file)
        .contains("damaged")
        .contains("backup")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");

    CliRun search = CliRun.run("search", "--store", store.toString(), "-o", "json");
    assertThat(search.err()).doesNotContain("Exception").doesNotContain("\tat ");
    if (search.exitCode() != ExitCodes.OK) {
      // Damage search does not read goes unnoticed by it; damage it reads is named.
      assertThat(search.exitCode()).as(search.err()).isEqualTo(ExitCodes.DAMAGED);
      assertThat(search.err()).contains(file).contains("damaged");
    }
  }

  @ParameterizedTest(name = "{0} store, {1}")
  @CsvSource({
    "ingested, _1.fdt, false",
    "ingested, _1_Lucene912_0.tim, false",
    "compound, _2.cfs, false",
    "compound, _2.cfe, true",
    "ingested, _1.si, true"
  })
  void everyCommandReportsDamageItMeetsTheSameWay(String kind, String file, boolean opening)
      throws IOException {
    Path store = tmp.resolve("store");
    copy(pristine(kind), store);
    flip(store.resolve(file), Files.size(store.resolve(file)) / 2);
    String at = store.toString();

    CliRun verify = CliRun.run("verify", "--store", at);
    assertThat(verify.exitCode()).isEqualTo(ExitCodes.DAMAGED);
    if (kind.equals("ingested") && !opening) {
      assertThat(verify.err()).contains("file " + file + " (segment _1, holding batch 2)");
    }
    for (String[] command :
        List.of(
            new String[] {"search", "--store", at, "--cluster", "prod", "-o", "json"},
            new String[] {
              "state", "--store", at, "--cluster", "prod", "--at", "2026-01-01T02:00:00Z"
            },
            new String[] {"history", "--store", at, "--cluster", "prod", "pods/a/p3"},
            new String[] {"status", "--store", at})) {
      CliRun run = CliRun.run(command);
      assertThat(run.err()).as(command[0]).doesNotContain("Exception").doesNotContain("\tat ");
      // Damage met when opening the store stops every command.
      if (opening || run.exitCode() != ExitCodes.OK) {
        assertThat(run.exitCode()).as("%s: %s", command[0], run.err()).isEqualTo(ExitCodes.DAMAGED);
        assertThat(run.err()).as(command[0]).contains(file).contains("damaged");
      }
    }
    CliRun ingest = CliRun.withStdin(event(100), "ingest", "--store", at, "--cluster", "prod", "-");
    assertThat(ingest.err()).doesNotContain("Exception").doesNotContain("\tat ");
    if (opening || ingest.exitCode() != ExitCodes.OK) {
      assertThat(ingest.exitCode()).as(ingest.err()).isEqualTo(ExitCodes.DAMAGED);
      assertThat(ingest.err()).contains(file).contains("damaged");
    }
  }

  private static Path pristine(String kind) throws IOException {
    damage().close();
    return pristine.resolve(kind);
  }

  private static void ingest(Path store, int from, int count) {
    StringBuilder log = new StringBuilder();
    for (int n = from; n < from + count; n++) {
      log.append(event(n));
    }
    CliRun run =
        CliRun.withStdin(
            log.toString(), "ingest", "--store", store.toString(), "--cluster", "prod", "-");
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  private static String event(int n) {
    Instant t = T0.plusSeconds(60L * n);
    return new StringBuilder()
        .append("{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",")
        .append("\"auditID\":\"id-")
        .append(n)
        .append("\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/a/pods/p")
        .append(n)
        .append("\",\"verb\":\"update\",\"user\":{\"username\":\"alice\"},")
        .append("\"sourceIPs\":[\"10.0.0.1\"],\"userAgent\":\"kubectl\",")
        .append("\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"a\",\"name\":\"p")
        .append(n)
        .append("\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200},")
        .append("\"requestReceivedTimestamp\":\"")
        .append(t)
        .append("\",\"stageTimestamp\":\"")
        .append(t.plusMillis(3))
        .append("\"}\n")
        .toString();
  }

  /** Merges the store into one segment in a compound file, keeping its commit data. */
  private static void mergeIntoCompoundFile(Path store) throws IOException {
    try (Directory index = FSDirectory.open(store)) {
      SegmentInfos commit = SegmentInfos.readLatestCommit(index);
      TieredMergePolicy policy = new TieredMergePolicy();
      policy.setNoCFSRatio(1.0);
      IndexWriterConfig config = new IndexWriterConfig().setMergePolicy(policy);
      try (IndexWriter writer = new IndexWriter(index, config)) {
        writer.forceMerge(1);
        writer.setLiveCommitData(commit.getUserData().entrySet());
        writer.commit();
      }
    }
    assertThat(store.resolve("_2.cfs")).exists();
  }

  private static void flip(Path file, long position) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, position);
      b.put(0, (byte) (b.get(0) ^ 0x5a));
      b.rewind();
      channel.write(b, position);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}

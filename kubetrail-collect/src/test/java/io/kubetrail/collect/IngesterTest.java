package io.kubetrail.collect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubetrail.event.DecodeLimits;
import io.kubetrail.event.DecodeResult;
import io.kubetrail.event.SourcePosition;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.policy.PolicyLoader;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.Batch;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.EventStream;
import io.kubetrail.store.HistogramBucket;
import io.kubetrail.store.ObjectKey;
import io.kubetrail.store.PageCursor;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SearchPage;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoreOptions;
import io.kubetrail.store.StoredEvent;
import io.kubetrail.store.VerifyListener;
import io.kubetrail.store.VerifyResult;
import io.kubetrail.store.lucene.LuceneAuditStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngesterTest {
  private static final Instant NOW = Instant.parse("2026-02-01T12:00:00Z");

  @TempDir Path dir;
  private AuditStore store;

  @BeforeEach
  void openStore() throws IOException {
    store = LuceneAuditStore.open(dir.resolve("store"), StoreOptions.defaults());
  }

  @AfterEach
  void closeStore() throws IOException {
    store.close();
  }

  private IngestOptions.Builder options() {
    return IngestOptions.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).batchEvents(7);
  }

  private IngestSummary ingest(IngestOptions options, Path... files) throws IOException {
    return new Ingester(store, options).ingest(List.of(files), IngestListener.NONE);
  }

  private IngestSummary ingest(Path... files) throws IOException {
    return ingest(options().build(), files);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private Path gzip(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  private List<StoredEvent> all() throws IOException {
    return store
        .search(
            EventQuery.builder().order(EventQuery.Order.OLDEST_FIRST).build(),
            1000,
            Optional.empty())
        .events();
  }

  @Test
  void storesEveryEventEnriched() throws IOException {
    Path log = write("audit.log", AuditLines.lines(0, 20));

    IngestSummary summary = ingest(options().cluster("prod").build(), log);

    assertThat(summary.read()).isEqualTo(20);
    assertThat(summary.stored()).isEqualTo(20);
    assertThat(summary.clean()).isTrue();
    List<StoredEvent> stored = all();
    assertThat(stored).hasSize(20);
    assertThat(stored.get(3).cluster()).isEqualTo("prod");
    assertThat(stored.get(3).name()).isEqualTo("pod-3");
    assertThat(stored.get(3).generatedTime()).isEqualTo(NOW);
    assertThat(stored.get(3).event().json().toString()).isEqualTo(AuditLines.get(3));
  }

  @Test
  void theSameEventsAgainAreDuplicates() throws IOException {
    ingest(write("a.log", AuditLines.lines(0, 10)));
    // The same events in another order: another file, the same identities.
    List<String> reversed = new java.util.ArrayList<>(AuditLines.list(0, 10));
    java.util.Collections.reverse(reversed);

    IngestSummary again = ingest(write("b.log", String.join("\n", reversed) + "\n"));

    assertThat(again.read()).isEqualTo(10);
    assertThat(again.stored()).isZero();
    assertThat(again.duplicates()).isEqualTo(10);
    assertThat(store.count(EventQuery.all())).isEqualTo(10);
  }

  @Test
  void aFileReadForOneClusterIsReadAfreshForAnother() throws IOException {
    Path log = write("kube-audit.log", AuditLines.lines(0, 10));
    assertThat(ingest(options().cluster("prod").build(), log).stored()).isEqualTo(10);

    IngestSummary staging = ingest(options().cluster("staging").build(), log);

    assertThat(staging.resumedFiles()).isZero();
    assertThat(staging.stored()).isEqualTo(10);
    assertThat(store.count(EventQuery.all())).isEqualTo(20);
    assertThat(ingest(options().cluster("staging").build(), log).resumedFiles()).isEqualTo(1);
  }

  @Test
  void aFileReadUnderAPolicyIsReadAfreshWithoutIt() throws Exception {
    Path log = write("kube-audit.log", AuditLines.lines(0, 10));
    PolicyEvaluator dropAll =
        PolicyEvaluator.of(
            PolicyLoader.load(
                    "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: None\n",
                    "drop-all.yaml")
                .policy());
    IngestSummary filtered = ingest(options().policy(dropAll).build(), log);
    assertThat(filtered.stored()).isZero();

    IngestSummary unfiltered = ingest(log);

    assertThat(unfiltered.resumedFiles()).isZero();
    assertThat(unfiltered.stored()).isEqualTo(10);
  }

  @Test
  void aFileReadBeforeResumesWhereItStopped() throws IOException {
    Path log = write("kube-audit.log", AuditLines.lines(0, 30));
    assertThat(ingest(log).stored()).isEqualTo(30);

    IngestSummary unchanged = ingest(log);
    assertThat(unchanged.read()).isZero();
    assertThat(unchanged.resumedFiles()).isEqualTo(1);

    Files.writeString(log, AuditLines.lines(30, 12), StandardOpenOption.APPEND);
    IngestSummary grown = ingest(log);

    assertThat(grown.resumedFiles()).isEqualTo(1);
    assertThat(grown.read()).isEqualTo(12);
    assertThat(grown.stored()).isEqualTo(12);
    assertThat(grown.duplicates()).isZero();
    assertThat(store.count(EventQuery.all())).isEqualTo(42);
  }

  @Test
  void aRotatedAndCompressedFileKeepsItsCheckpoint() throws IOException {
    Path active = write("kube-audit.log", AuditLines.lines(0, 15));
    ingest(active);
    // lumberjack: the active file is renamed and compressed; a new one starts.
    gzip(
        "kube-audit-2026-01-01T00-00-00.000.log.gz",
        Files.readString(active) + AuditLines.lines(15, 5));
    Files.delete(active);
    write("kube-audit.log", AuditLines.lines(20, 8));

    IngestSummary summary = ingest(AuditFiles.inRotationOrder(dir).toArray(Path[]::new));

    assertThat(summary.files()).isEqualTo(2);
    assertThat(summary.resumedFiles()).isEqualTo(1);
    assertThat(summary.read()).isEqualTo(13);
    assertThat(summary.stored()).isEqualTo(13);
    assertThat(store.count(EventQuery.all())).isEqualTo(28);
  }

  @Test
  void anUnfinishedLastLineIsReadAgainNextTime() throws IOException {
    String last = AuditLines.get(5);
    Path log = write("audit.log", AuditLines.lines(0, 5) + last.substring(0, 40));

    IngestSummary first = ingest(log);
    assertThat(first.stored()).isEqualTo(5);
    assertThat(first.malformed()).isEqualTo(1);

    Files.writeString(log, last.substring(40) + "\n", StandardOpenOption.APPEND);
    IngestSummary second = ingest(log);

    assertThat(second.resumedFiles()).isEqualTo(1);
    assertThat(second.read()).isEqualTo(1);
    assertThat(second.stored()).isEqualTo(1);
  }

  @Test
  void malformedRecordsAreListedWithFileAndLineAndTheRestIsStored() throws IOException {
    String text =
        AuditLines.get(0)
            + "\n"
            + "{not json\n"
            + "\n"
            + AuditLines.get(1)
            + "\n"
            + "{\"kind\":\"Event\"}\n"
            + AuditLines.get(2)
            + "\n";
    Path log = write("audit.log", text);

    IngestSummary summary = ingest(log);

    assertThat(summary.stored()).isEqualTo(3);
    assertThat(summary.malformed()).isEqualTo(2);
    assertThat(summary.read()).isEqualTo(5);
    assertThat(summary.firstRejections())
        .extracting(DecodeResult.Rejected::position)
        .containsExactly(
            new SourcePosition(log.toString(), 2), new SourcePosition(log.toString(), 5));
    assertThat(summary.firstRejections()).allSatisfy(r -> assertThat(r.reason()).isNotBlank());
  }

  @Test
  void listsOnlyTheFirstRejectionsButCountsAll() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int n = 0; n < 25; n++) {
      text.append("{\"kind\":\"Event\"}\n").append(AuditLines.get(n)).append('\n');
    }
    Path log = write("audit.log", text.toString());

    IngestSummary summary = ingest(options().maxListedRejections(3).build(), log);

    assertThat(summary.malformed()).isEqualTo(25);
    assertThat(summary.firstRejections()).hasSize(3);
    assertThat(summary.stored()).isEqualTo(25);
  }

  @Test
  void aLineOverTheLimitIsRejectedNamingTheSetting() throws IOException {
    String big = AuditLines.event("big", "get", "pods", "ns", "x".repeat(1500), 200, NOW, "", "");
    Path log = write("audit.log", AuditLines.get(0) + "\n" + big + "\n" + AuditLines.get(1) + "\n");
    DecodeLimits limits = DecodeLimits.builder().maxLineBytes(1000).build();

    IngestSummary summary = ingest(options().limits(limits).build(), log);

    assertThat(summary.stored()).isEqualTo(2);
    assertThat(summary.firstRejections())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.position().line()).isEqualTo(2);
              assertThat(r.reason()).contains("1000").contains(DecodeLimits.MAX_LINE_BYTES_SETTING);
            });
  }

  @Test
  void readsEventListsOnOneLineAndSpreadOverLines() throws IOException {
    String list =
        "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":["
            + String.join(",", AuditLines.list(0, 4))
            + "]}";
    Path oneLine = write("batch.jsonl", list + "\n" + AuditLines.get(10) + "\n");
    Path pretty =
        write(
            "export.json",
            "{\n  \"kind\": \"EventList\",\n  \"items\": [\n"
                + String.join(",\n", AuditLines.list(20, 3))
                + "\n  ]\n}\n");

    IngestSummary summary = ingest(oneLine, pretty);

    assertThat(summary.stored()).isEqualTo(8);
    assertThat(summary.clean()).isTrue();
  }

  @Test
  void resumesAfterAnEventListLineButNeverInsideADocument() throws IOException {
    String list =
        "{\"kind\":\"EventList\",\"items\":[" + String.join(",", AuditLines.list(0, 3)) + "]}";
    Path jsonLines = write("batch.jsonl", list + "\n" + AuditLines.get(3) + "\n");
    Path document =
        write(
            "export.json",
            "{\"kind\":\"EventList\",\"items\":[\n"
                + String.join(",\n", AuditLines.list(10, 3))
                + "\n]}\n");
    ingest(jsonLines, document);
    Files.writeString(jsonLines, list + "\n", StandardOpenOption.APPEND);

    IngestSummary again = ingest(jsonLines, document);

    assertThat(again.resumedFiles()).isEqualTo(1);
    // the list appended to the JSON Lines file, and the document read whole again
    assertThat(again.read()).isEqualTo(6);
    assertThat(again.duplicates()).isEqualTo(6);
    assertThat(again.clean()).isTrue();
  }

  @Test
  void readsGzipFiles() throws IOException {
    Path log = gzip("audit.log.gz", AuditLines.lines(0, 9));

    assertThat(ingest(log).stored()).isEqualTo(9);
  }

  @Test
  void aTruncatedGzipLosesOnlyItsRest() throws IOException {
    Path whole = gzip("whole.gz", AuditLines.lines(0, 400));
    byte[] bytes = Files.readAllBytes(whole);
    Path cut = Files.write(dir.resolve("cut.log.gz"), Arrays.copyOf(bytes, bytes.length / 2));

    IngestSummary summary = ingest(cut);

    assertThat(summary.malformed()).isGreaterThanOrEqualTo(1);
    assertThat(summary.firstRejections())
        .anySatisfy(r -> assertThat(r.reason()).contains("cannot read on"));
    assertThat(summary.stored()).isPositive();
  }

  @Test
  void aPolicyDropsWhatItWouldNotHaveLogged() throws Exception {
    String create =
        AuditLines.event("c1", "create", "pods", "ns", "web", 201, NOW, "", "{\"kind\":\"Pod\"}");
    Path log = write("audit.log", AuditLines.lines(0, 4) + create + "\n");
    PolicyEvaluator policy =
        PolicyEvaluator.of(
            PolicyLoader.load(
                    "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n"
                        + "- level: RequestResponse\n  verbs: [create]\n",
                    "policy.yaml")
                .policy());

    IngestSummary summary = ingest(options().policy(policy).build(), log);

    assertThat(summary.filtered()).isEqualTo(4);
    assertThat(summary.stored()).isEqualTo(1);
    assertThat(all()).extracting(StoredEvent::name).containsExactly("web");
  }

  @Test
  void secretValuesAreHashedUnlessRedactionIsOff() throws IOException {
    String secret =
        AuditLines.event(
            "s1",
            "create",
            "secrets",
            "ns",
            "db",
            201,
            NOW,
            "{\"kind\":\"Secret\",\"stringData\":{\"pw\":\"hunter2\"}}",
            "");
    Path log = write("audit.log", secret + "\n");

    ingest(log);
    assertThat(all().get(0).event().json().toString())
        .doesNotContain("hunter2")
        .contains(SecretRedactor.HASH_PREFIX);

    try (AuditStore raw = LuceneAuditStore.open(dir.resolve("raw"), StoreOptions.defaults())) {
      new Ingester(raw, options().redactSecrets(false).build())
          .ingest(List.of(log), IngestListener.NONE);
      assertThat(
              raw.search(EventQuery.all(), 10, Optional.empty())
                  .events()
                  .get(0)
                  .event()
                  .json()
                  .toString())
          .contains("hunter2");
    }
  }

  @Test
  void readsAStream() throws IOException {
    IngestSummary summary =
        new Ingester(store, options().build())
            .ingest(
                new ByteArrayInputStream(AuditLines.lines(0, 6).getBytes(StandardCharsets.UTF_8)),
                "<stdin>",
                IngestListener.NONE);

    assertThat(summary.stored()).isEqualTo(6);
    assertThat(store.checkpoints()).isEmpty();
  }

  @Test
  void reportsProgressAfterEachBatch() throws IOException {
    Path log = write("audit.log", AuditLines.lines(0, 20));
    AtomicInteger calls = new AtomicInteger();
    long[] last = new long[2];

    new Ingester(store, options().batchEvents(5).build())
        .ingest(
            List.of(log),
            new IngestListener() {
              @Override
              public void progress(long bytesDone, long bytesTotal, IngestSummary soFar) {
                calls.incrementAndGet();
                last[0] = bytesDone;
                last[1] = bytesTotal;
              }
            });

    assertThat(calls.get()).isGreaterThanOrEqualTo(4);
    assertThat(last[1]).isEqualTo(Files.size(log));
    assertThat(last[0]).isEqualTo(last[1]);
  }

  @Test
  void aStoreFailureStopsTheIngestAndKeepsWhatWasStored() throws IOException {
    Path log = write("audit.log", AuditLines.lines(0, 30));
    AuditStore failing = new FailingAfter(store, 2);

    assertThatThrownBy(
            () ->
                new Ingester(failing, options().batchEvents(10).build())
                    .ingest(List.of(log), IngestListener.NONE))
        .isInstanceOf(IngestFailedException.class)
        .hasMessageContaining("disk full")
        .satisfies(e -> assertThat(((IngestFailedException) e).committed().stored()).isEqualTo(20));

    assertThat(store.count(EventQuery.all())).isEqualTo(20);
    // The next ingest resumes after the stored batches.
    IngestSummary resumed = ingest(log);
    assertThat(resumed.read()).isEqualTo(10);
    assertThat(resumed.stored()).isEqualTo(10);
  }

  @Test
  void aFileThatNoLongerMatchesItsCheckpointIsReadAgain() throws IOException {
    Path log = write("audit.log", AuditLines.lines(0, 10));
    ingest(log);
    // Replaced by a shorter file that starts with the same line.
    write("audit.log", AuditLines.lines(0, 3));

    IngestSummary summary = ingest(log);

    assertThat(summary.resumedFiles()).isZero();
    assertThat(summary.read()).isEqualTo(3);
    assertThat(summary.duplicates()).isEqualTo(3);
  }

  /** Delegates to a store, and fails every append after the first {@code okAppends}. */
  private static final class FailingAfter implements AuditStore {
    private final AuditStore delegate;
    private final AtomicInteger remaining;

    FailingAfter(AuditStore delegate, int okAppends) {
      this.delegate = delegate;
      this.remaining = new AtomicInteger(okAppends);
    }

    @Override
    public AppendResult append(Batch batch) throws IOException {
      if (remaining.getAndDecrement() <= 0) {
        throw new StoreException(Path.of("store"), "disk full");
      }
      return delegate.append(batch);
    }

    @Override
    public Map<String, SourceCheckpoint> checkpoints() throws IOException {
      return delegate.checkpoints();
    }

    @Override
    public SortedSet<String> clusters() throws IOException {
      return delegate.clusters();
    }

    @Override
    public SearchPage search(EventQuery query, int limit, Optional<PageCursor> after)
        throws IOException {
      return delegate.search(query, limit, after);
    }

    @Override
    public long count(EventQuery query) throws IOException {
      return delegate.count(query);
    }

    @Override
    public List<HistogramBucket> histogram(EventQuery query, Duration bucket) throws IOException {
      return delegate.histogram(query, bucket);
    }

    @Override
    public EventStream history(String cluster, ObjectKey object) throws IOException {
      return delegate.history(cluster, object);
    }

    @Override
    public EventStream scanChanges(String cluster, Instant from, Instant to) throws IOException {
      return delegate.scanChanges(cluster, from, to);
    }

    @Override
    public VerifyResult verify(VerifyListener listener) throws IOException {
      return delegate.verify(listener);
    }

    @Override
    public PruneResult prune(Instant olderThan) throws IOException {
      return delegate.prune(olderThan);
    }

    @Override
    public io.kubetrail.store.StateRepository states() {
      return delegate.states();
    }

    @Override
    public void close() {}
  }
}

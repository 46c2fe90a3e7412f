package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.store.AppendResult;
import io.kubetrail.store.Batch;
import io.kubetrail.store.BatchLink;
import io.kubetrail.store.PruneResult;
import io.kubetrail.store.SourceCheckpoint;
import io.kubetrail.store.StoreException;
import io.kubetrail.store.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The one writer of a store: appends batches (events first, invisible until the batch's link is
 * committed), prunes, and on opening removes what a writer that died left half-done.
 */
final class Appender {
  private static final byte[] NO_MODEL = new byte[0];
  private static final int MGET_CHUNK = 1000;

  private final Cluster cluster;
  private final Meta meta;
  private long head;
  private byte[] headHash;
  private long nextSeq;
  private final Map<String, SourceCheckpoint> checkpoints;
  private boolean checkpointsBehind;

  /** True when a failed batch's events may still be stored, invisible, and must go first. */
  private boolean uncommittedLeft;

  private Appender(
      Cluster cluster,
      Meta meta,
      long head,
      byte[] headHash,
      long nextSeq,
      Map<String, SourceCheckpoint> checkpoints,
      boolean checkpointsBehind) {
    this.cluster = cluster;
    this.meta = meta;
    this.head = head;
    this.headHash = headHash;
    this.nextSeq = nextSeq;
    this.checkpoints = new LinkedHashMap<>(checkpoints);
    this.checkpointsBehind = checkpointsBehind;
  }

  /** Reads the committed state and removes the events of a batch that was never committed. */
  static Appender recover(Cluster cluster, Meta meta) throws IOException {
    var newest = meta.newest();
    long head = newest.map(h -> h.link().batch()).orElse(0L);
    byte[] hash = newest.map(h -> h.link().hash()).orElse(BatchLink.zeroHash());
    long nextSeq = newest.map(h -> h.link().lastSeq() + 1).orElse(1L);
    Meta.Checkpoints doc = meta.checkpoints();
    Map<String, SourceCheckpoint> cps = new LinkedHashMap<>(doc.sources());
    boolean behind = newest.isPresent() && doc.head() < head;
    if (behind) {
      cps.putAll(newest.get().checkpoints());
    }
    Appender a = new Appender(cluster, meta, head, hash, nextSeq, cps, behind);
    a.removeUncommitted();
    a.finishPrune();
    return a;
  }

  long head() {
    return head;
  }

  AppendResult append(Batch batch) throws IOException {
    if (uncommittedLeft) {
      removeUncommitted();
      uncommittedLeft = false;
    }
    if (checkpointsBehind) {
      meta.writeCheckpoints(new Meta.Checkpoints(head, checkpoints));
      checkpointsBehind = false;
    }
    Map<String, StoredEvent> unique = new LinkedHashMap<>();
    for (StoredEvent e : batch.events()) {
      unique.putIfAbsent(Documents.id(e), e);
    }
    long duplicates = batch.events().size() - unique.size();
    Set<String> existing = existing(unique);
    duplicates += existing.size();
    existing.forEach(unique::remove);
    if (unique.isEmpty()) {
      if (!batch.checkpoints().isEmpty()) {
        Map<String, SourceCheckpoint> merged = new LinkedHashMap<>(checkpoints);
        merged.putAll(batch.checkpoints());
        meta.writeCheckpoints(new Meta.Checkpoints(head, merged));
        checkpoints.putAll(batch.checkpoints());
      }
      return new AppendResult(0, duplicates, OptionalLong.empty());
    }
    long batchNo = head + 1;
    try {
      BatchLink link = writeEvents(batchNo, unique);
      commit(link, batch.checkpoints());
      head = batchNo;
      headHash = link.hash();
      nextSeq += unique.size();
    } catch (IOException | RuntimeException e) {
      try {
        removeUncommitted();
      } catch (IOException cleanup) {
        // The cluster may be down: the next append removes them before writing anything.
        uncommittedLeft = true;
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    checkpoints.putAll(batch.checkpoints());
    try {
      meta.writeCheckpoints(new Meta.Checkpoints(head, checkpoints));
    } catch (IOException e) {
      // The batch's link holds its checkpoints already; the document catches up next time.
      checkpointsBehind = true;
    }
    return new AppendResult(unique.size(), duplicates, OptionalLong.of(batchNo));
  }

  /**
   * Writes the batch's link. When the answer is lost, the link may have been written all the same:
   * then the batch is committed, and must not be taken for failed.
   */
  private void commit(BatchLink link, Map<String, SourceCheckpoint> cps) throws IOException {
    try {
      meta.commit(link, cps);
    } catch (IOException e) {
      java.util.Optional<Meta.Header> newest;
      try {
        newest = meta.newest();
      } catch (IOException unknown) {
        e.addSuppressed(unknown);
        throw e;
      }
      if (newest.isEmpty() || !newest.get().link().equals(link)) {
        throw e;
      }
    }
  }

  /** Writes a batch's events, not yet visible, and returns its link. */
  private BatchLink writeEvents(long batchNo, Map<String, StoredEvent> events) throws IOException {
    BatchLink.EventsDigest digest = new BatchLink.EventsDigest();
    ByteArrayOutputStream bulk = new ByteArrayOutputStream();
    Set<String> indices = new LinkedHashSet<>();
    long seq = nextSeq;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (Map.Entry<String, StoredEvent> entry : events.entrySet()) {
      StoredEvent e = entry.getValue();
      byte[] doc = Documents.document(e, batchNo, seq);
      digest.add(seq, NO_MODEL, doc, 0, doc.length);
      String index = Documents.index(cluster.options.indexPrefix(), e);
      indices.add(index);
      ObjectNode action = Cluster.object();
      action.putObject("index").put("_index", index).put("_id", entry.getKey());
      bulk.write(Cluster.MAPPER.writeValueAsBytes(action));
      bulk.write('\n');
      bulk.write(doc);
      bulk.write('\n');
      if (bulk.size() >= cluster.options.bulkBytes()) {
        sendBulk(bulk.toByteArray());
        bulk.reset();
      }
      long received = Documents.micros(e.event().requestReceivedTimestamp());
      min = Math.min(min, received);
      max = Math.max(max, received);
      seq++;
    }
    if (bulk.size() > 0) {
      sendBulk(bulk.toByteArray());
    }
    cluster.raw("POST", "/" + String.join(",", indices) + "/_refresh", null);
    return BatchLink.create(
        batchNo,
        headHash,
        digest.finish(),
        events.size(),
        nextSeq,
        min,
        max,
        Documents.micros(Instant.now()));
  }

  /** Sends one bulk request; items refused for now (429) are sent again, others fail the batch. */
  private void sendBulk(byte[] body) throws IOException {
    byte[] pending = body;
    for (int attempt = 0; ; attempt++) {
      Http.Response r = cluster.http.bulk("/_bulk", pending);
      if (!r.ok()) {
        throw cluster.failure("a bulk write", r);
      }
      JsonNode answer = Cluster.MAPPER.readTree(r.body());
      if (!answer.path("errors").asBoolean()) {
        return;
      }
      List<String> lines = List.of(new String(pending, StandardCharsets.UTF_8).split("\n"));
      ByteArrayOutputStream retry = new ByteArrayOutputStream();
      int i = 0;
      for (JsonNode item : answer.path("items")) {
        JsonNode result = item.path("index");
        int status = result.path("status").asInt();
        if (status == 429 && attempt < cluster.options.maxRetries()) {
          retry.write(
              (lines.get(2 * i) + "\n" + lines.get(2 * i + 1) + "\n")
                  .getBytes(StandardCharsets.UTF_8));
        } else if (status / 100 != 2) {
          throw new StoreException(
              cluster.location(),
              "the cluster refused event document "
                  + result.path("_id").asText()
                  + " in "
                  + result.path("_index").asText()
                  + " ("
                  + status
                  + "): "
                  + Http.abbreviate(result.path("error").toString())
                  + "; the batch was not stored");
        }
        i++;
      }
      if (retry.size() == 0) {
        return;
      }
      pending = retry.toByteArray();
      try {
        Thread.sleep(Math.min(5_000, 100L << Math.min(attempt, 6)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while retrying a bulk write");
      }
    }
  }

  /** The ids, among these, of events already stored in committed batches. */
  private Set<String> existing(Map<String, StoredEvent> events) throws IOException {
    Set<String> found = new LinkedHashSet<>();
    List<Map.Entry<String, StoredEvent>> all = new ArrayList<>(events.entrySet());
    for (int from = 0; from < all.size(); from += MGET_CHUNK) {
      ObjectNode body = Cluster.object();
      ArrayNode docs = body.putArray("docs");
      for (Map.Entry<String, StoredEvent> e :
          all.subList(from, Math.min(all.size(), from + MGET_CHUNK))) {
        docs.addObject()
            .put("_index", Documents.index(cluster.options.indexPrefix(), e.getValue()))
            .put("_id", e.getKey())
            .putObject("_source")
            .putArray("includes")
            .add("kubetrail.batch");
      }
      for (JsonNode doc : cluster.json("POST", "/_mget", body).path("docs")) {
        long batch = doc.path("_source").path("kubetrail").path("batch").asLong(Long.MAX_VALUE);
        if (doc.path("found").asBoolean() && batch <= head) {
          found.add(doc.path("_id").asText());
        }
      }
    }
    return found;
  }

  /** Removes the events of batches after the head: written, never committed. */
  private void removeUncommitted() throws IOException {
    ObjectNode body = Cluster.object();
    body.putObject("query")
        .set("range", Cluster.object().set("kubetrail.batch", Cluster.object().put("gt", head)));
    deleteByQuery(body);
  }

  /** Deletes every event the query matches. */
  private void deleteByQuery(ObjectNode body) throws IOException {
    cluster.deleteMatching(cluster.events, body, "events");
  }

  PruneResult prune(Instant olderThan) throws IOException {
    long limit = Documents.micros(olderThan);
    List<Meta.Header> doomed = new ArrayList<>();
    for (long from = 1; ; ) {
      List<Meta.Header> page = meta.headers(from, 1000);
      for (Meta.Header h : page) {
        if (!h.pruned() && h.link().maxReceived() < limit) {
          doomed.add(h);
        }
      }
      if (page.size() < 1000) {
        break;
      }
      from = page.get(page.size() - 1).link().batch() + 1;
    }
    long events = 0;
    for (Meta.Header h : doomed) {
      // Marked first: a prune cut short is finished by the next writer (finishPrune).
      meta.markPruned(h.link().batch());
      events += h.link().count();
    }
    deletePrunedEvents(doomed.stream().map(h -> h.link().batch()).toList());
    return new PruneResult(doomed.size(), events);
  }

  /** Removes events still stored for batches marked pruned. */
  private void finishPrune() throws IOException {
    List<Long> pruned = new ArrayList<>();
    for (long from = 1; ; ) {
      List<Meta.Header> page = meta.headers(from, 1000);
      page.stream().filter(Meta.Header::pruned).forEach(h -> pruned.add(h.link().batch()));
      if (page.size() < 1000) {
        break;
      }
      from = page.get(page.size() - 1).link().batch() + 1;
    }
    deletePrunedEvents(pruned);
  }

  private void deletePrunedEvents(List<Long> batches) throws IOException {
    for (int from = 0; from < batches.size(); from += 10_000) {
      ObjectNode body = Cluster.object();
      ArrayNode terms = body.putObject("query").putObject("terms").putArray("kubetrail.batch");
      batches.subList(from, Math.min(batches.size(), from + 10_000)).forEach(terms::add);
      deleteByQuery(body);
    }
  }
}

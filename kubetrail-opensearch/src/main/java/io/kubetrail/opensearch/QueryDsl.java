package io.kubetrail.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.ObjectKey;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * {@link EventQuery} in OpenSearch's query language, matching exactly what {@link
 * EventQuery#matches} matches, limited to the batches committed up to a head.
 */
final class QueryDsl {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private QueryDsl() {}

  /** The query for {@code q}, seeing batches up to {@code head}. */
  static ObjectNode of(EventQuery q, long head) {
    ObjectNode bool = NODES.objectNode();
    ArrayNode filter = bool.putArray("filter");
    filter.add(committed(head));
    terms(filter, "cluster", q.clusters());
    if (q.since().isPresent() || q.until().isPresent()) {
      ObjectNode range = NODES.objectNode();
      q.since().ifPresent(s -> range.put("gte", Documents.boundMicros(s)));
      q.until().ifPresent(u -> range.put("lt", Documents.boundMicros(u)));
      filter.add(
          NODES.objectNode().set("range", NODES.objectNode().set("kubetrail.received_us", range)));
    }
    terms(filter, "verb", q.verbs());
    term(filter, "kubetrail.group", q.apiGroup());
    term(filter, "kubetrail.resource", q.resource());
    term(filter, "kubetrail.subresource", q.subresource());
    term(filter, "kubetrail.namespace", q.namespace());
    terms(filter, "kubetrail.namespace", q.namespaces());
    if (q.name().isPresent()) {
      String n = q.name().get();
      ObjectNode either = NODES.objectNode();
      ArrayNode should = either.putArray("should");
      should.add(termQuery("name", n));
      if (!n.isEmpty()) {
        should.add(termQuery("kubetrail.ref_name", n));
      }
      either.put("minimum_should_match", 1);
      filter.add(NODES.objectNode().set("bool", either));
    }
    term(filter, "kubetrail.object", q.object().map(Documents::objectTerm));
    term(filter, "auditID", q.auditID());
    term(filter, "user.username", q.user());
    term(filter, "user.groups", q.group());
    term(filter, "impersonatedUser.username", q.impersonatedUser());
    term(filter, "sourceIPs", q.sourceIP());
    term(filter, "userAgent", q.userAgent());
    terms(filter, "kubetrail.code", q.responseCodes());
    terms(filter, "level", q.levels().stream().map(Level::name).toList());
    terms(filter, "stage", q.stages().stream().map(Stage::name).toList());
    term(filter, "kubetrail.decision", q.decision());
    if (q.excludeDryRun()) {
      bool.putArray("must_not").add(termQuery("kubetrail.dry_run", true));
    }
    if (q.excludeFailures()) {
      // A response code below 400; an event without one (an early stage) is left out too.
      filter.add(
          NODES
              .objectNode()
              .set(
                  "range",
                  NODES.objectNode().set("kubetrail.code", NODES.objectNode().put("lt", 400))));
    }
    if (q.changesOnly()) {
      filter.add(termQuery("kubetrail.change", true));
    }
    return NODES.objectNode().set("bool", bool);
  }

  /** Every event of one cluster about one object. */
  static ObjectNode history(String cluster, ObjectKey key, long head) {
    ObjectNode bool = NODES.objectNode();
    bool.putArray("filter")
        .add(committed(head))
        .add(termQuery("cluster", cluster))
        .add(termQuery("kubetrail.object", Documents.objectTerm(key)));
    return NODES.objectNode().set("bool", bool);
  }

  /** The changes of one cluster with stageTimestamp in [from, to), of some resources or all. */
  static ObjectNode changes(
      String cluster, Instant from, Instant to, Collection<String> resources, long head) {
    ObjectNode bool = NODES.objectNode();
    ArrayNode filter =
        bool.putArray("filter")
            .add(committed(head))
            .add(termQuery("cluster", cluster))
            .add(termQuery("kubetrail.change", true));
    ObjectNode range =
        NODES
            .objectNode()
            .put("gte", Documents.boundNanos(from))
            .put("lt", Documents.boundNanos(to));
    filter.add(
        NODES.objectNode().set("range", NODES.objectNode().set("kubetrail.stage_ns", range)));
    terms(filter, "kubetrail.resource", resources);
    return NODES.objectNode().set("bool", bool);
  }

  /** Events of the batches committed up to {@code head}. */
  static ObjectNode committed(long head) {
    return NODES
        .objectNode()
        .set(
            "range",
            NODES.objectNode().set("kubetrail.batch", NODES.objectNode().put("lte", head)));
  }

  static ObjectNode termQuery(String field, Object value) {
    ObjectNode term = NODES.objectNode();
    if (value instanceof Boolean b) {
      term.put(field, b);
    } else if (value instanceof Long l) {
      term.put(field, l);
    } else {
      term.put(field, value.toString());
    }
    return NODES.objectNode().set("term", term);
  }

  private static void term(ArrayNode filter, String field, Optional<String> value) {
    value.ifPresent(v -> filter.add(termQuery(field, v)));
  }

  private static void terms(ArrayNode filter, String field, Collection<?> values) {
    if (values.isEmpty()) {
      return;
    }
    ArrayNode list = NODES.arrayNode();
    for (Object v : values) {
      if (v instanceof Integer i) {
        list.add(i);
      } else {
        list.add(v.toString());
      }
    }
    filter.add(NODES.objectNode().set("terms", NODES.objectNode().set(field, list)));
  }
}

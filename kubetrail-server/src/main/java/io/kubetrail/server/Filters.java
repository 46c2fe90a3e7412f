package io.kubetrail.server;

import io.javalin.http.Context;
import io.kubetrail.event.Stage;
import io.kubetrail.history.ObjectArgument;
import io.kubetrail.history.ResourceKey;
import io.kubetrail.server.auth.Caller;
import io.kubetrail.store.AuditStore;
import io.kubetrail.store.EventQuery;
import io.kubetrail.store.search.BadParameterException;
import io.kubetrail.store.search.Clusters;
import io.kubetrail.store.search.QueryText;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * The event filters of Calico's audit API as query parameters, read into an {@link EventQuery},
 * narrowed to what the caller may read. Parameters: {@code cluster}, {@code since}, {@code until},
 * {@code verb}, {@code resource}, {@code group}, {@code namespace}, {@code name}, {@code object},
 * {@code user}, {@code code}, {@code level}, {@code stage}, {@code excludeDryRun}, {@code
 * excludeFailures}, {@code changesOnly}, {@code sort} ({@code newest}, {@code oldest}).
 */
final class Filters {
  /** The parameters {@link #query} reads, for the API description. */
  static final List<String> NAMES =
      List.of(
          "cluster",
          "since",
          "until",
          "verb",
          "resource",
          "group",
          "namespace",
          "name",
          "object",
          "user",
          "code",
          "level",
          "stage",
          "excludeDryRun",
          "changesOnly",
          "sort");

  private Filters() {}

  static EventQuery query(Context ctx, Caller caller, AuditStore store, Instant now)
      throws IOException {
    EventQuery.Builder q = EventQuery.builder();
    Set<String> clusters = new LinkedHashSet<>(Http.values(ctx, "cluster"));
    if (!clusters.isEmpty()) {
      // Listing the clusters counts each one's events: only worth it when some are named.
      SortedSet<String> known = store.clusters();
      for (String c : clusters) {
        if (!known.contains(c)) {
          throw new BadParameterException("cluster", Clusters.unknown(c, known));
        }
      }
    }
    q.clusters(clusters);
    Http.time(ctx, "since", now).ifPresent(q::since);
    Http.time(ctx, "until", now).ifPresent(q::until);
    q.verbs(new LinkedHashSet<>(Http.values(ctx, "verb")));
    Optional<String> group = Http.param(ctx, "group");
    group.ifPresent(g -> q.apiGroup(QueryText.group(g)));
    Http.param(ctx, "resource")
        .ifPresent(r -> QueryText.resource(q, r, group.map(g -> "group"), "resource"));
    Optional<String> namespace = Http.param(ctx, "namespace");
    namespace.ifPresent(
        n -> {
          requireReadable(caller, n, "namespace");
          q.namespace(n);
        });
    Http.param(ctx, "name").ifPresent(q::name);
    Optional<String> object = Http.param(ctx, "object");
    if (object.isPresent()) {
      ResourceKey key = ObjectArgument.parse(object.get(), "object");
      requireReadable(caller, namespaceOf(key), "object");
      key =
          ObjectArgument.resolveGroup(
              store, clusters.isEmpty() ? store.clusters() : clusters, key, "object");
      q.object(key.toObjectKey());
    }
    Http.param(ctx, "user").ifPresent(q::user);
    q.responseCodes(QueryText.codes(ctx.queryParams("code"), "code"));
    q.levels(QueryText.levels(ctx.queryParams("level"), "level"));
    q.stages(QueryText.stages(ctx.queryParams("stage"), "stage"));
    q.excludeDryRun(Http.flag(ctx, "excludeDryRun"));
    q.excludeFailures(Http.flag(ctx, "excludeFailures"));
    q.changesOnly(Http.flag(ctx, "changesOnly"));
    q.order(order(Http.param(ctx, "sort").orElse("newest")));
    scope(q, caller);
    return q.build();
  }

  /** Limits a query to the caller's namespaces. */
  static void scope(EventQuery.Builder q, Caller caller) {
    if (caller.scoped()) {
      if (caller.namespaces().isEmpty()) {
        throw ApiException.forbidden("", caller.name() + " may read no namespace");
      }
      q.namespaces(caller.namespaces());
    }
  }

  /**
   * The query counts (histogram, facets, totals) use: without a stage filter they count each
   * request once, by its final event (ResponseComplete or Panic), as the rows show one line per
   * request.
   */
  static EventQuery counting(EventQuery q) {
    return q.stages().isEmpty()
        ? q.toBuilder().stages(Stage.ResponseComplete, Stage.Panic).build()
        : q;
  }

  /** The namespace an object's data belongs to: a Namespace object belongs to itself. */
  static String namespaceOf(ResourceKey key) {
    return key.type().isNamespaces() ? key.name() : key.namespace();
  }

  static void requireReadable(Caller caller, String namespace, String parameter) {
    if (!caller.mayRead(namespace)) {
      throw ApiException.forbidden(
          parameter,
          caller.name()
              + " may not read "
              + (namespace.isEmpty() ? "cluster-scoped objects" : "namespace " + namespace)
              + " (readable: "
              + String.join(", ", caller.namespaces())
              + ")");
    }
  }

  private static EventQuery.Order order(String text) {
    return switch (text) {
      case "newest" -> EventQuery.Order.NEWEST_FIRST;
      case "oldest" -> EventQuery.Order.OLDEST_FIRST;
      default ->
          throw new BadParameterException(
              "sort", "sort: expected newest or oldest, got '" + text + "'");
    };
  }

  /** The one cluster a question is about: {@code cluster}, or the store's only one. */
  static String cluster(Context ctx, AuditStore store) throws IOException {
    return Clusters.pickKnown(store, Http.param(ctx, "cluster"), "cluster");
  }
}

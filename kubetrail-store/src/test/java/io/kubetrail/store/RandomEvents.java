package io.kubetrail.store;

import io.kubetrail.event.Level;
import io.kubetrail.event.Stage;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * Random stored events and queries over a small vocabulary, so that random queries often match and
 * random events often share an identity, an object or a timestamp.
 */
public final class RandomEvents {
  static final List<String> CLUSTERS = List.of("prod", "staging");
  static final List<String> VERBS =
      List.of("create", "update", "patch", "delete", "deletecollection", "get", "list");
  static final List<String> GROUPS = List.of("", "apps");
  static final List<String> RESOURCES = List.of("pods", "deployments", "namespaces");
  static final List<String> NAMESPACES = List.of("", "default", "shop");
  static final List<String> NAMES = List.of("", "web", "db");
  static final List<String> USERS = List.of("alice", "bob");
  static final List<String> USER_GROUPS = List.of("dev", "ops", "system:masters");
  static final List<String> IPS = List.of("10.0.0.1", "10.0.0.2", "192.168.0.7");
  static final List<String> AGENTS = List.of("kubectl", "controller");
  static final List<Integer> CODES = List.of(200, 201, 403, 404, 409, 500);

  private RandomEvents() {}

  public static StoredEvent event(Random r) {
    TestEvents.Builder b = TestEvents.event("id" + r.nextInt(30));
    b.cluster(pick(r, CLUSTERS));
    b.stage(r.nextInt(4) == 0 ? pick(r, List.of(Stage.values())) : Stage.ResponseComplete);
    b.level(pick(r, List.of(Level.Metadata, Level.Request, Level.RequestResponse)));
    b.verb(pick(r, VERBS));
    if (r.nextInt(8) == 0) {
      b.nonResource();
    } else {
      String name = pick(r, NAMES);
      b.object(pick(r, GROUPS), pick(r, RESOURCES), pick(r, NAMESPACES), name);
      if (name.isEmpty() && r.nextBoolean()) {
        b.name(r.nextBoolean() ? "web" : "web-" + r.nextInt(3));
      }
      if (r.nextInt(5) == 0) {
        b.subresource("status");
      }
    }
    if (r.nextInt(6) == 0) {
      b.noUser();
    } else {
      b.user(pick(r, USERS));
      b.groups(pick(r, USER_GROUPS), pick(r, USER_GROUPS));
    }
    if (r.nextInt(5) == 0) {
      b.impersonatedUser(pick(r, USERS));
    }
    b.sourceIPs(pick(r, IPS), pick(r, IPS));
    b.userAgent(pick(r, AGENTS));
    if (r.nextInt(6) == 0) {
      b.noCode();
    } else {
      b.code(pick(r, CODES));
    }
    Instant received = TestEvents.T0.plusSeconds(r.nextInt(30)).plusNanos(1000L * r.nextInt(3));
    b.received(received);
    b.stageTime(received.plusSeconds(r.nextInt(3)).plusNanos(1000L * r.nextInt(3)));
    if (r.nextInt(5) == 0) {
      b.dryRun();
    }
    b.decision(r.nextInt(4) == 0 ? "forbid" : "allow");
    return b.build();
  }

  public static EventQuery query(Random r) {
    EventQuery.Builder q = EventQuery.builder();
    if (r.nextInt(3) == 0) {
      q.clusters(pick(r, CLUSTERS));
    }
    if (r.nextInt(3) == 0) {
      q.since(TestEvents.T0.plusSeconds(r.nextInt(30)).plusNanos(1000L * r.nextInt(3)));
    }
    if (r.nextInt(3) == 0) {
      q.until(TestEvents.T0.plusSeconds(r.nextInt(30)).plusNanos(1000L * r.nextInt(3)));
    }
    if (r.nextInt(3) == 0) {
      q.verbs(pick(r, VERBS), pick(r, VERBS));
    }
    if (r.nextInt(4) == 0) {
      q.apiGroup(pick(r, GROUPS));
    }
    if (r.nextInt(4) == 0) {
      q.resource(pick(r, RESOURCES));
    }
    if (r.nextInt(6) == 0) {
      q.subresource(r.nextBoolean() ? "status" : "");
    }
    if (r.nextInt(4) == 0) {
      q.namespace(pick(r, NAMESPACES));
    }
    if (r.nextInt(4) == 0) {
      q.name(pick(r, List.of("web", "db", "web-1", "-")));
    }
    if (r.nextInt(5) == 0) {
      String resource = pick(r, RESOURCES);
      String namespace = resource.equals("namespaces") ? "" : pick(r, NAMESPACES);
      q.object(
          new ObjectKey(
              pick(r, GROUPS), resource, namespace, pick(r, List.of("web", "db", "web-1"))));
    }
    if (r.nextInt(6) == 0) {
      q.auditID("id" + r.nextInt(30));
    }
    if (r.nextInt(5) == 0) {
      q.user(pick(r, USERS));
    }
    if (r.nextInt(6) == 0) {
      q.group(pick(r, USER_GROUPS));
    }
    if (r.nextInt(6) == 0) {
      q.impersonatedUser(pick(r, USERS));
    }
    if (r.nextInt(6) == 0) {
      q.sourceIP(pick(r, IPS));
    }
    if (r.nextInt(6) == 0) {
      q.userAgent(pick(r, AGENTS));
    }
    if (r.nextInt(4) == 0) {
      q.responseCodes(pick(r, CODES), pick(r, CODES));
    }
    if (r.nextInt(5) == 0) {
      q.levels(pick(r, List.of(Level.values())));
    }
    if (r.nextInt(5) == 0) {
      q.stages(pick(r, List.of(Stage.values())), pick(r, List.of(Stage.values())));
    }
    if (r.nextInt(6) == 0) {
      q.decision(pick(r, List.of("allow", "forbid")));
    }
    if (r.nextInt(5) == 0) {
      q.namespaces(new java.util.HashSet<>(List.of(pick(r, NAMESPACES), pick(r, NAMESPACES))));
    }
    q.excludeDryRun(r.nextInt(4) == 0);
    q.excludeFailures(r.nextInt(5) == 0);
    q.changesOnly(r.nextInt(4) == 0);
    return q.build();
  }

  public static ObjectKey objectKey(Random r) {
    String name = pick(r, List.of("web", "db", "web-1"));
    String resource = pick(r, RESOURCES);
    String namespace = resource.equals("namespaces") ? "" : pick(r, NAMESPACES);
    return new ObjectKey(pick(r, GROUPS), resource, namespace, name);
  }

  public static <T> T pick(Random r, List<T> values) {
    return values.get(r.nextInt(values.size()));
  }
}

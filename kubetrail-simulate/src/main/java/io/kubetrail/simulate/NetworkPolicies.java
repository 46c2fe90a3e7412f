package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * People and the GitOps controller managing NetworkPolicies: creates, patches of all four kinds
 * (strategic merge, JSON patch arrays, merge patch, server-side apply), full updates and deletes;
 * some of them dry runs, some refused (403), in conflict (409) or invalid (422).
 */
final class NetworkPolicies {
  private static final Kind KIND = Kind.NETWORK_POLICY;

  /** How a change is sent; each writes its own patch document for the same change. */
  private enum Style {
    STRATEGIC,
    JSON_PATCH,
    MERGE,
    APPLY
  }

  /** Who sends a request: a user, possibly acting as someone else ({@code kubectl --as}). */
  private record Who(Actor user, Optional<Actor> as) {
    String username() {
      return as.orElse(user).username();
    }
  }

  /** One change to a policy: the new object, and the documents that ask for it. */
  private record Change(
      KObject result, boolean specChanged, ObjectNode merge, ArrayNode jsonPatch) {}

  private final Cluster c;

  NetworkPolicies(Cluster c) {
    this.c = c;
    existing("shop", "default-deny-ingress", defaultDeny());
    existing("shop", "allow-web", allowWeb("web", 8080));
    existing("shop", "allow-prometheus", allowPrometheus());
    existing("payments", "default-deny-ingress", defaultDeny());
    existing("payments", "allow-api-from-shop", allowFromNamespace("api", 8443, "shop"));
    existing("payments", "allow-dns-egress", allowDnsEgress());
    existing("monitoring", "allow-dns-egress", allowDnsEgress());
    c.activity(0.15, this::userAction);
  }

  // ---- policy templates (NetworkPolicySpec field order: podSelector, ingress, egress,
  // policyTypes) ----

  private static ObjectNode defaultDeny() {
    return Json.obj("podSelector", Json.obj(), "policyTypes", Json.arr("Ingress"));
  }

  private static ObjectNode allowWeb(String app, int port) {
    return Json.obj(
        "podSelector", Json.obj("matchLabels", Json.obj("app", app)),
        "ingress",
            Json.arr(
                Json.obj(
                    "ports", Json.arr(Json.obj("protocol", "TCP", "port", port)),
                    "from",
                        Json.arr(
                            Json.obj(
                                "ipBlock",
                                Json.obj(
                                    "cidr",
                                    "0.0.0.0/0",
                                    "except",
                                    Json.arr("169.254.169.254/32")))))),
        "policyTypes", Json.arr("Ingress"));
  }

  private static ObjectNode allowFromNamespace(String app, int port, String from) {
    return Json.obj(
        "podSelector", Json.obj("matchLabels", Json.obj("app", app)),
        "ingress",
            Json.arr(
                Json.obj(
                    "ports", Json.arr(Json.obj("protocol", "TCP", "port", port)),
                    "from", Json.arr(namespacePeer(from)))),
        "policyTypes", Json.arr("Ingress"));
  }

  private static ObjectNode allowPrometheus() {
    return Json.obj(
        "podSelector", Json.obj(),
        "ingress", Json.arr(Json.obj("from", Json.arr(namespacePeer("monitoring")))),
        "policyTypes", Json.arr("Ingress"));
  }

  private static ObjectNode allowDnsEgress() {
    return Json.obj(
        "podSelector", Json.obj(),
        "egress", dnsEgress(),
        "policyTypes", Json.arr("Egress"));
  }

  private static ArrayNode dnsEgress() {
    return Json.arr(
        Json.obj(
            "ports",
                Json.arr(
                    Json.obj("protocol", "UDP", "port", 53),
                    Json.obj("protocol", "TCP", "port", 53)),
            "to",
                Json.arr(
                    Json.obj(
                        "podSelector", Json.obj("matchLabels", Json.obj("k8s-app", "kube-dns")),
                        "namespaceSelector",
                            Json.obj(
                                "matchLabels",
                                Json.obj("kubernetes.io/metadata.name", "kube-system"))))));
  }

  private static ObjectNode namespacePeer(String namespace) {
    return Json.obj(
        "namespaceSelector",
        Json.obj("matchLabels", Json.obj("kubernetes.io/metadata.name", namespace)));
  }

  private ObjectNode template(String name, String namespace) {
    return switch (name) {
      case "default-deny-ingress" -> defaultDeny();
      case "allow-web" -> allowWeb("web", 8080);
      case "allow-prometheus" -> allowPrometheus();
      case "allow-dns-egress" -> allowDnsEgress();
      default -> allowFromNamespace("api", 8443, namespace.equals("shop") ? "payments" : "shop");
    };
  }

  private static final List<String> NAMES =
      List.of(
          "default-deny-ingress",
          "allow-web",
          "allow-prometheus",
          "allow-dns-egress",
          "allow-api-from-shop");

  private KObject policy(String namespace, String name, ObjectNode spec) {
    KObject p = new KObject(KIND, namespace, name);
    p.labels.put(
        "app.kubernetes.io/part-of", namespace.startsWith("preview-") ? "storefront" : namespace);
    p.body.put("spec", spec);
    return p;
  }

  private void existing(String namespace, String name, ObjectNode spec) {
    KObject p = policy(namespace, name, spec);
    p.uid = c.newUid();
    p.resourceVersion = c.nextResourceVersion();
    p.created = c.now - Times.seconds(86_400L * c.rng.between(1, 30));
    p.generation = 1;
    p.manage("kubectl-client-side-apply", "Update", "", p.created, owned(p));
    c.put(p);
  }

  private static JsonNode owned(KObject p) {
    return Json.obj(
        "metadata", Json.obj("labels", Json.strings(p.labels)), "spec", p.body.get("spec"));
  }

  /** A manifest as kubectl sends it for apply: YAML turned into JSON, keys sorted. */
  private static String manifest(KObject p) {
    ObjectNode m =
        Json.obj(
            "apiVersion", KIND.apiVersion(),
            "kind", KIND.kind,
            "metadata",
                Json.obj(
                    "name", p.name, "namespace", p.namespace, "labels", Json.strings(p.labels)),
            "spec", p.body.get("spec"));
    return Json.write(Json.sorted(m));
  }

  // ---- a new preview namespace gets its policies from the GitOps controller ----

  void deployDefaults(String namespace) {
    c.after(
        Times.millis(c.rng.between(1_000, 12_000)),
        namespace,
        () -> applyNew(namespace, "default-deny-ingress"));
    c.after(
        Times.millis(c.rng.between(1_000, 12_000)),
        namespace,
        () -> applyNew(namespace, "allow-web"));
  }

  private boolean applyNew(String namespace, String name) {
    if (c.find(KIND, namespace, name).isPresent()) {
      return false;
    }
    KObject p = policy(namespace, name, template(name, namespace));
    String body = manifest(p);
    p.uid = c.newUid();
    p.resourceVersion = c.nextResourceVersion();
    p.created = c.now;
    p.generation = 1;
    p.manage("argocd-controller", "Apply", "", c.now, owned(p));
    ApiCall call =
        ApiCall.resource(
            c.cast.ciDeployer,
            "patch",
            Cluster.uri(p.path(), "fieldManager", "argocd-controller", "force", "true"),
            ObjRef.to(p, ""));
    call.requestObject = body;
    call.respond(201, p);
    c.send(call);
    c.put(p);
    return true;
  }

  // ---- people at work ----

  private boolean userAction() {
    List<String> namespaces = new ArrayList<>();
    for (String ns : c.activeNamespaces()) {
      if (ns.equals("shop") || ns.equals("payments") || ns.startsWith("preview-")) {
        namespaces.add(ns);
      }
    }
    if (namespaces.isEmpty()) {
      return false;
    }
    String namespace = c.rng.pick(namespaces);
    List<KObject> existing = c.in(KIND, namespace);
    double r = c.rng.nextDouble();
    if (r < 0.12) {
      return forbidden(namespace, existing);
    }
    if (r < 0.30 || existing.isEmpty()) {
      return create(namespace, existing);
    }
    KObject target = c.rng.pick(existing);
    if (r < 0.75) {
      return patch(
          target,
          c.rng.pickOf(
              Style.STRATEGIC, Style.JSON_PATCH, Style.JSON_PATCH, Style.MERGE, Style.APPLY));
    }
    if (r < 0.90) {
      return update(target);
    }
    return delete(target);
  }

  private Who editor() {
    double r = c.rng.nextDouble();
    if (r < 0.08) {
      // An administrator trying things out as the developer would.
      return new Who(c.cast.admin, Optional.of(Cast.impersonating(c.cast.alice)));
    }
    return new Who(r < 0.7 ? c.cast.alice : c.cast.admin, Optional.empty());
  }

  private static ApiCall call(Who who, String verb, String uri, ObjRef ref) {
    ApiCall call = ApiCall.resource(who.user(), verb, uri, ref);
    call.impersonated = who.as();
    return call;
  }

  private String[] query(boolean dryRun, String... keyValues) {
    if (!dryRun) {
      return keyValues;
    }
    String[] out = new String[keyValues.length + 2];
    System.arraycopy(keyValues, 0, out, 0, keyValues.length);
    out[keyValues.length] = "dryRun";
    out[keyValues.length + 1] = "All";
    return out;
  }

  private boolean create(String namespace, List<KObject> existing) {
    List<String> missing = new ArrayList<>();
    for (String name : NAMES) {
      if (c.find(KIND, namespace, name).isEmpty()) {
        missing.add(name);
      }
    }
    boolean duplicate = missing.isEmpty() || (!existing.isEmpty() && c.rng.chance(0.15));
    String name = duplicate ? c.rng.pick(existing).name : c.rng.pick(missing);
    boolean dryRun = c.rng.chance(0.12);
    boolean invalid = !duplicate && c.rng.chance(0.12);
    KObject p = policy(namespace, name, template(name, namespace));
    Who actor = editor();
    if (invalid) {
      ((ObjectNode) p.body.get("spec")).set("policyTypes", Json.arr("Inbound"));
    }
    ApiCall call =
        call(
            actor,
            "create",
            Cluster.uri(
                KIND.collectionPath(namespace),
                query(dryRun, "fieldManager", "kubectl-create", "fieldValidation", "Strict")),
            ObjRef.of(KIND, namespace, ""));
    call.requestObject = p.renderCreateRequest();
    call.backfill(namespace, name, "", 0);
    if (invalid) {
      call.respond(
          422,
          ApiStatus.invalid(
              KIND,
              name,
              "spec.policyTypes[0]",
              "FieldValueNotSupported",
              "Unsupported value: \"Inbound\": supported values: \"Egress\", \"Ingress\""));
      c.send(call);
      return true;
    }
    if (duplicate) {
      call.respond(409, ApiStatus.alreadyExists(KIND, name));
      c.send(call);
      return true;
    }
    p.uid = c.newUid();
    p.created = c.now;
    p.generation = 1;
    p.manage("kubectl-create", "Update", "", c.now, owned(p));
    if (!dryRun) {
      p.resourceVersion = c.nextResourceVersion();
      c.put(p);
    }
    call.respond(201, p);
    c.send(call);
    return true;
  }

  /** A change to {@code target}; the result is a copy, committed only if the request succeeds. */
  private Optional<Change> change(KObject target, Who actor) {
    KObject next = target.copy();
    ObjectNode spec = (ObjectNode) next.body.get("spec");
    ArrayNode ingress = spec.has("ingress") ? (ArrayNode) spec.get("ingress") : null;
    int pick = c.rng.nextInt(5);
    if (pick == 0) {
      String key = c.rng.chance(0.5) ? "reviewed-by" : "change-ticket";
      String user = actor.username();
      String value =
          key.equals("reviewed-by")
              ? user.substring(0, user.indexOf('@') < 0 ? user.length() : user.indexOf('@'))
              : "CHG" + c.rng.between(10_000, 99_999);
      next.labels.put(key, value);
      return Optional.of(
          new Change(
              next,
              false,
              Json.obj("metadata", Json.obj("labels", Json.obj(key, value))),
              Json.arr(Json.obj("op", "add", "path", "/metadata/labels/" + key, "value", value))));
    }
    if (pick == 1 && ingress != null && ingress.get(0).has("ports")) {
      ObjectNode port = (ObjectNode) ingress.get(0).get("ports").get(0);
      int old = port.get("port").asInt();
      int value = c.rng.pickOf(80, 8080, 8443, 9090);
      if (value == old) {
        value = old == 8080 ? 8081 : 8080;
      }
      port.put("port", value);
      return Optional.of(
          new Change(
              next,
              true,
              Json.obj("spec", Json.obj("ingress", ingress)),
              Json.arr(
                  Json.obj(
                      "op", "replace", "path", "/spec/ingress/0/ports/0/port", "value", value))));
    }
    if (pick == 2 && ingress != null) {
      ObjectNode rule = (ObjectNode) ingress.get(0);
      ObjectNode peer =
          c.rng.chance(0.5)
              ? Json.obj(
                  "ipBlock",
                  Json.obj("cidr", c.rng.pickOf("10.0.0.0/8", "192.168.0.0/16", "203.0.113.0/24")))
              : namespacePeer(c.rng.pickOf("monitoring", "shop", "ci"));
      ArrayNode ops = Json.arr();
      if (rule.has("from")) {
        ((ArrayNode) rule.get("from")).add(peer);
        ops.add(Json.obj("op", "add", "path", "/spec/ingress/0/from/-", "value", peer));
      } else {
        rule.set("from", Json.arr(peer));
        ops.add(Json.obj("op", "add", "path", "/spec/ingress/0/from", "value", Json.arr(peer)));
      }
      return Optional.of(
          new Change(next, true, Json.obj("spec", Json.obj("ingress", ingress)), ops));
    }
    ArrayNode types = (ArrayNode) spec.get("policyTypes");
    if (pick == 3 && !types.toString().contains("Egress")) {
      ObjectNode rebuilt = Json.obj("podSelector", spec.get("podSelector"));
      if (ingress != null) {
        rebuilt.set("ingress", ingress);
      }
      rebuilt.set("egress", dnsEgress());
      types.add("Egress");
      rebuilt.set("policyTypes", types);
      next.body.put("spec", rebuilt);
      return Optional.of(
          new Change(
              next,
              true,
              Json.obj("spec", Json.obj("egress", dnsEgress(), "policyTypes", types)),
              Json.arr(
                  Json.obj("op", "add", "path", "/spec/egress", "value", dnsEgress()),
                  Json.obj("op", "add", "path", "/spec/policyTypes/-", "value", "Egress"))));
    }
    String app = c.rng.pickOf("web", "cart", "api");
    ObjectNode matchLabels = Json.obj("app", app);
    if (matchLabels.equals(spec.path("podSelector").path("matchLabels"))) {
      return Optional.empty();
    }
    spec.set("podSelector", Json.obj("matchLabels", matchLabels));
    return Optional.of(
        new Change(
            next,
            true,
            Json.obj("spec", Json.obj("podSelector", Json.obj("matchLabels", matchLabels))),
            Json.arr(
                Json.obj(
                    "op", "add", "path", "/spec/podSelector/matchLabels", "value", matchLabels))));
  }

  private boolean patch(KObject target, Style style) {
    boolean gitOps = style == Style.APPLY && c.rng.chance(0.5);
    Who actor = gitOps ? new Who(c.cast.ciDeployer, Optional.empty()) : editor();
    Optional<Change> change = change(target, actor);
    if (change.isEmpty()) {
      return false;
    }
    Change ch = change.get();
    boolean dryRun = c.rng.chance(0.1);
    boolean hasPort = target.body.get("spec").path("ingress").path(0).has("ports");
    boolean invalid = style == Style.JSON_PATCH && hasPort && c.rng.chance(0.12);
    String manager;
    String operation = "Update";
    String[] query;
    String body;
    switch (style) {
      case APPLY -> {
        manager = gitOps ? "argocd-controller" : "kubectl";
        operation = "Apply";
        query =
            gitOps
                ? query(dryRun, "fieldManager", manager, "force", "true")
                : query(
                    dryRun, "fieldManager", manager, "fieldValidation", "Strict", "force", "false");
        body = manifest(ch.result());
      }
      case JSON_PATCH -> {
        manager = "kubectl-patch";
        query = query(dryRun, "fieldManager", manager);
        ArrayNode ops = ch.jsonPatch();
        if (invalid) {
          ops =
              Json.arr(
                  Json.obj(
                      "op", "replace", "path", "/spec/ingress/0/ports/0/port", "value", 70000));
        }
        body = Json.write(ops);
      }
      default -> {
        manager = "kubectl-patch";
        query = query(dryRun, "fieldManager", manager);
        body = Json.write(ch.merge());
      }
    }
    ApiCall call = call(actor, "patch", Cluster.uri(target.path(), query), ObjRef.to(target, ""));
    call.requestObject = body;
    if (invalid) {
      call.respond(
          422,
          ApiStatus.invalid(
              KIND,
              target.name,
              "spec.ingress[0].ports[0].port",
              "FieldValueInvalid",
              "Invalid value: 70000: must be between 1 and 65535, inclusive"));
      c.send(call);
      return true;
    }
    KObject result = ch.result();
    if (ch.specChanged()) {
      result.generation++;
    }
    result.manage(manager, operation, "", c.now, style == Style.APPLY ? owned(result) : ch.merge());
    if (!dryRun) {
      result.resourceVersion = c.nextResourceVersion();
      c.put(result);
    }
    call.respond(200, result);
    c.send(call);
    return true;
  }

  /** {@code kubectl replace}: the whole object, with the resourceVersion the user read. */
  private boolean update(KObject target) {
    Who actor = editor();
    Optional<Change> change = change(target, actor);
    if (change.isEmpty()) {
      return false;
    }
    KObject result = change.get().result();
    boolean stale = c.rng.chance(0.25);
    boolean dryRun = !stale && c.rng.chance(0.1);
    if (stale) {
      // Read a while ago; someone has changed it since.
      result.resourceVersion = target.resourceVersion - c.rng.between(1, 500);
    }
    String request = result.render();
    ApiCall call =
        call(
            actor,
            "update",
            Cluster.uri(
                target.path(),
                query(dryRun, "fieldManager", "kubectl-replace", "fieldValidation", "Strict")),
            ObjRef.to(target, ""));
    call.requestObject = request;
    call.backfill(target.namespace, target.name, target.uid, result.resourceVersion);
    if (stale) {
      call.respond(409, ApiStatus.conflict(KIND, target.name));
      c.send(call);
      return true;
    }
    if (change.get().specChanged()) {
      result.generation++;
    }
    result.manage("kubectl-replace", "Update", "", c.now, owned(result));
    if (!dryRun) {
      result.resourceVersion = c.nextResourceVersion();
      c.put(result);
    }
    call.respond(200, result);
    c.send(call);
    return true;
  }

  private boolean delete(KObject target) {
    boolean dryRun = c.rng.chance(0.15);
    ApiCall call =
        call(editor(), "delete", Cluster.uri(target.path(), query(dryRun)), ObjRef.to(target, ""));
    call.requestObject = Cluster.deleteOptions(KIND, "propagationPolicy", "Background");
    // NetworkPolicy storage does not return the deleted object: a Status says what went.
    call.respond(200, ApiStatus.deleted(KIND, target.name, target.uid));
    c.send(call);
    if (!dryRun) {
      c.remove(target);
    }
    return true;
  }

  /** A read-only user tries to change a policy; RBAC refuses before the body is read. */
  private boolean forbidden(String namespace, List<KObject> existing) {
    Actor bob = c.cast.bob;
    String verb =
        existing.isEmpty()
            ? "create"
            : c.rng.pickOf("create", "patch", "patch", "delete", "update");
    ApiCall call;
    if (verb.equals("create")) {
      call =
          ApiCall.resource(
              bob,
              verb,
              Cluster.uri(
                  KIND.collectionPath(namespace),
                  "fieldManager",
                  "kubectl-create",
                  "fieldValidation",
                  "Strict"),
              ObjRef.of(KIND, namespace, ""));
      call.forbidden(KIND, "", namespace, "");
    } else {
      KObject target = c.rng.pick(existing);
      String uri =
          switch (verb) {
            case "patch" -> Cluster.uri(target.path(), "fieldManager", "kubectl-patch");
            case "update" ->
                Cluster.uri(
                    target.path(), "fieldManager", "kubectl-replace", "fieldValidation", "Strict");
            default -> target.path();
          };
      call = ApiCall.resource(bob, verb, uri, ObjRef.to(target, ""));
      call.forbidden(KIND, "", namespace, target.name);
    }
    c.send(call);
    return true;
  }
}

package io.kubetrail.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One API object of the simulated cluster: typed metadata (written in {@code ObjectMeta} field
 * order) and the other top-level fields as JSON trees in their Go field order. Mutable; the
 * simulator changes it as the cluster does and renders it whenever a request or response carries
 * it.
 */
class KObject {
  /** An {@code ownerReferences} entry. */
  record OwnerRef(String apiVersion, String kind, String name, String uid) {}

  /** A {@code managedFields} entry; {@code subresource} is empty for the main resource. */
  record ManagedField(
      String manager,
      String operation,
      String apiVersion,
      long time,
      String fieldsV1,
      String subresource) {}

  final Kind kind;
  final String namespace;
  String name;
  String generateName = "";
  String uid = "";
  long resourceVersion;

  /** 0 when the kind has no generation. */
  long generation;

  long created;

  /** 0 when not being deleted. */
  long deletion;

  /** Negative when absent. */
  long deletionGracePeriodSeconds = -1;

  final TreeMap<String, String> labels = new TreeMap<>();
  final TreeMap<String, String> annotations = new TreeMap<>();
  final List<OwnerRef> owners = new ArrayList<>(1);
  final List<String> finalizers = new ArrayList<>(1);
  final List<ManagedField> managed = new ArrayList<>(2);

  /** Top-level fields after metadata ({@code spec}, {@code status}, {@code data}...), in order. */
  final LinkedHashMap<String, JsonNode> body = new LinkedHashMap<>();

  KObject(Kind kind, String namespace, String name) {
    this.kind = kind;
    this.namespace = kind.namespaced ? namespace : "";
    this.name = name;
  }

  ObjectKey key() {
    return new ObjectKey(kind.group, kind.resource, namespace, name);
  }

  String path() {
    return kind.objectPath(namespace, name);
  }

  /** Records a write by {@code manager}, replacing its earlier entry for the same operation. */
  void manage(
      String manager, String operation, String subresource, long time, JsonNode ownedFields) {
    ManagedField entry =
        new ManagedField(
            manager,
            operation,
            kind.apiVersion(),
            time,
            Json.write(FieldSets.of(ownedFields)),
            subresource);
    for (int i = 0; i < managed.size(); i++) {
      ManagedField m = managed.get(i);
      if (m.manager().equals(manager)
          && m.operation().equals(operation)
          && m.subresource().equals(subresource)) {
        managed.set(i, entry);
        return;
      }
    }
    managed.add(entry);
  }

  /** The metadata a client sets itself: labels, annotations and owners, as a partial object. */
  JsonNode clientMetadataFields() {
    var meta = Json.obj();
    if (!generateName.isEmpty()) {
      meta.put("generateName", generateName);
    }
    if (!labels.isEmpty()) {
      meta.set("labels", Json.strings(labels));
    }
    if (!annotations.isEmpty()) {
      meta.set("annotations", Json.strings(annotations));
    }
    if (!owners.isEmpty()) {
      var refs = Json.arr();
      for (OwnerRef o : owners) {
        refs.add(
            Json.obj(
                "apiVersion",
                o.apiVersion(),
                "kind",
                o.kind(),
                "name",
                o.name(),
                "uid",
                o.uid(),
                "controller",
                true,
                "blockOwnerDeletion",
                true));
      }
      meta.set("ownerReferences", refs);
    }
    return meta;
  }

  /** A deep copy, for changes that must not stick (dry runs). */
  KObject copy() {
    KObject o = new KObject(kind, namespace, name);
    o.generateName = generateName;
    o.uid = uid;
    o.resourceVersion = resourceVersion;
    o.generation = generation;
    o.created = created;
    o.deletion = deletion;
    o.deletionGracePeriodSeconds = deletionGracePeriodSeconds;
    o.labels.putAll(labels);
    o.annotations.putAll(annotations);
    o.owners.addAll(owners);
    o.finalizers.addAll(finalizers);
    o.managed.addAll(managed);
    body.forEach((k, v) -> o.body.put(k, v.deepCopy()));
    return o;
  }

  /** The object as stored and returned by kube-apiserver. */
  String render() {
    return Json.render(g -> write(g, false));
  }

  /** The top-level fields after metadata, without braces; see {@link #render(String)}. */
  String renderBody() {
    String json =
        Json.render(
            g -> {
              g.writeStartObject();
              for (Map.Entry<String, JsonNode> field : body.entrySet()) {
                g.writeFieldName(field.getKey());
                g.writeTree(field.getValue());
              }
              g.writeEndObject();
            });
    return json.substring(1, json.length() - 1);
  }

  /**
   * The object as stored, with the fields after metadata given by an earlier {@link #renderBody()}:
   * an update's request and response share them.
   */
  String render(String renderedBody) {
    return Json.render(
        g -> {
          g.writeStartObject();
          g.writeStringField("kind", kind.kind);
          g.writeStringField("apiVersion", kind.apiVersion());
          writeMetadata(g, false);
          if (!renderedBody.isEmpty()) {
            g.writeRawMembers(renderedBody);
          }
          g.writeEndObject();
        });
  }

  /**
   * The object as kube-apiserver logs a create request: no server-set metadata, {@code
   * creationTimestamp: null}, an empty {@code status}, and no namespace unless the client set one
   * (the server fills it in only after logging; event recorders set it, others leave it to the
   * URL).
   */
  String renderCreateRequest() {
    return Json.render(g -> write(g, true));
  }

  /** The object as a {@code PartialObjectMetadata}, as metadata-only clients receive it. */
  void writePartial(JsonOut g) {
    g.writeStartObject();
    g.writeStringField("kind", "PartialObjectMetadata");
    g.writeStringField("apiVersion", "meta.k8s.io/v1");
    writeMetadata(g, false);
    g.writeEndObject();
  }

  void write(JsonOut g, boolean createRequest) {
    g.writeStartObject();
    g.writeStringField("kind", kind.kind);
    g.writeStringField("apiVersion", kind.apiVersion());
    writeMetadata(g, createRequest);
    for (Map.Entry<String, JsonNode> field : body.entrySet()) {
      if (createRequest && field.getKey().equals("status")) {
        continue;
      }
      g.writeFieldName(field.getKey());
      g.writeTree(field.getValue());
    }
    if (createRequest && kind.hasStatus) {
      g.writeFieldName("status");
      g.writeStartObject();
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private void writeMetadata(JsonOut g, boolean createRequest) {
    g.writeObjectFieldStart("metadata");
    if (!name.isEmpty() && !(createRequest && !generateName.isEmpty())) {
      g.writeStringField("name", name);
    }
    if (!generateName.isEmpty()) {
      g.writeStringField("generateName", generateName);
    }
    if (!namespace.isEmpty() && (!createRequest || kind == Kind.EVENT)) {
      g.writeStringField("namespace", namespace);
    }
    if (!createRequest) {
      if (!uid.isEmpty()) {
        g.writeStringField("uid", uid);
      }
      if (resourceVersion > 0) {
        g.writeStringField("resourceVersion", Long.toString(resourceVersion));
      }
      if (generation > 0) {
        g.writeNumberField("generation", generation);
      }
    }
    g.writeFieldName("creationTimestamp");
    if (createRequest || created == 0) {
      g.writeNull();
    } else {
      g.writeString(Times.second(created));
    }
    if (!createRequest && deletion != 0) {
      g.writeStringField("deletionTimestamp", Times.second(deletion));
      if (deletionGracePeriodSeconds >= 0) {
        g.writeNumberField("deletionGracePeriodSeconds", deletionGracePeriodSeconds);
      }
    }
    writeStringMap(g, "labels", labels);
    writeStringMap(g, "annotations", annotations);
    if (!owners.isEmpty()) {
      g.writeArrayFieldStart("ownerReferences");
      for (OwnerRef o : owners) {
        g.writeStartObject();
        g.writeStringField("apiVersion", o.apiVersion());
        g.writeStringField("kind", o.kind());
        g.writeStringField("name", o.name());
        g.writeStringField("uid", o.uid());
        g.writeBooleanField("controller", true);
        g.writeBooleanField("blockOwnerDeletion", true);
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    if (!finalizers.isEmpty()) {
      g.writeArrayFieldStart("finalizers");
      for (String f : finalizers) {
        g.writeString(f);
      }
      g.writeEndArray();
    }
    if (!createRequest && !managed.isEmpty()) {
      g.writeArrayFieldStart("managedFields");
      for (ManagedField m : managed) {
        g.writeStartObject();
        g.writeStringField("manager", m.manager());
        g.writeStringField("operation", m.operation());
        g.writeStringField("apiVersion", m.apiVersion());
        g.writeStringField("time", Times.second(m.time()));
        g.writeStringField("fieldsType", "FieldsV1");
        g.writeFieldName("fieldsV1");
        g.writeRawValue(m.fieldsV1());
        if (!m.subresource().isEmpty()) {
          g.writeStringField("subresource", m.subresource());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writeStringMap(JsonOut g, String field, Map<String, String> map) {
    if (map.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : map.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}

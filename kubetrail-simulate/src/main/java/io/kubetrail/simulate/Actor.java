package io.kubetrail.simulate;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Someone who sends requests: the authenticated user as kube-apiserver logs it, where the requests
 * come from, and why the authorizer lets them through. Immutable; the JSON of the parts every event
 * repeats is written once.
 */
final class Actor {
  private final String username;
  private final String uid;
  private final List<String> groups;
  private final Map<String, List<String>> extra;
  private final String userAgent;
  private final String sourceIp;
  private final String reasonTemplate;
  private final String userJson;
  private final String originJson;
  private final Map<String, String> reasons = new HashMap<>();

  /**
   * @param extra written sorted by key, as Go writes maps
   * @param reasonTemplate {@code authorization.k8s.io/reason} on allowed requests; {@code {ns}}
   *     stands for the request's namespace (RoleBindings are per namespace)
   */
  Actor(
      String username,
      String uid,
      List<String> groups,
      Map<String, List<String>> extra,
      String userAgent,
      String sourceIp,
      String reasonTemplate) {
    this.username = username;
    this.uid = uid;
    this.groups = List.copyOf(groups);
    this.extra = Collections.unmodifiableMap(new TreeMap<>(extra));
    this.userAgent = userAgent;
    this.sourceIp = sourceIp;
    this.reasonTemplate = reasonTemplate;
    this.userJson = Json.render(this::writeUser);
    this.originJson =
        Json.render(
            g -> {
              g.writeStartObject();
              g.writeArrayFieldStart("sourceIPs");
              g.writeString(sourceIp);
              g.writeEndArray();
              g.writeStringField("userAgent", userAgent);
              g.writeEndObject();
            });
  }

  String username() {
    return username;
  }

  String uid() {
    return uid;
  }

  List<String> groups() {
    return groups;
  }

  Map<String, List<String>> extra() {
    return extra;
  }

  String userAgent() {
    return userAgent;
  }

  String sourceIp() {
    return sourceIp;
  }

  String reasonTemplate() {
    return reasonTemplate;
  }

  /** The authorizer's reason for a request in {@code namespace}, as a JSON string literal. */
  String reasonJson(String namespace) {
    return reasons.computeIfAbsent(
        namespace, ns -> JsonOut.quoted(reasonTemplate.replace("{ns}", ns)));
  }

  /** {@code {"username":...}} as the {@code user} and {@code impersonatedUser} fields hold it. */
  String userJson() {
    return userJson;
  }

  /**
   * {@code "sourceIPs":[...],"userAgent":"..."}: the members that follow the user, without braces.
   */
  String originMembers() {
    return originJson.substring(1, originJson.length() - 1);
  }

  Actor withUserAgent(String agent) {
    return new Actor(username, uid, groups, extra, agent, sourceIp, reasonTemplate);
  }

  private void writeUser(JsonOut g) {
    g.writeStartObject();
    g.writeStringField("username", username);
    if (!uid.isEmpty()) {
      g.writeStringField("uid", uid);
    }
    if (!groups.isEmpty()) {
      g.writeArrayFieldStart("groups");
      for (String group : groups) {
        g.writeString(group);
      }
      g.writeEndArray();
    }
    if (!extra.isEmpty()) {
      g.writeObjectFieldStart("extra");
      for (Map.Entry<String, List<String>> e : extra.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (String v : e.getValue()) {
          g.writeString(v);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}

package io.kubetrail.policy;

import io.kubetrail.event.AuditEvent;
import io.kubetrail.event.ObjectReference;
import io.kubetrail.event.UserInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts about a request that an audit policy looks at (kube-apiserver's authorizer attributes).
 * A resource request has an API group, resource, optional subresource, namespace and name; a
 * non-resource request has a path.
 *
 * @param user the authenticated user (not an impersonated one); empty when authentication failed
 * @param namespace for a Namespace object, its own name, as kube-apiserver's request parser sets
 *     it; empty for cluster-scoped resources
 * @param name empty for creates and for lists without a {@code metadata.name} field selector
 * @param path the URL path without the query string (used only by non-resource requests)
 */
public record RequestAttributes(
    Optional<UserInfo> user,
    String verb,
    boolean resourceRequest,
    String apiGroup,
    String resource,
    String subresource,
    String namespace,
    String name,
    String path) {

  public RequestAttributes {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(apiGroup, "apiGroup");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
  }

  /** A resource request. */
  public static RequestAttributes resource(
      Optional<UserInfo> user,
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name) {
    return new RequestAttributes(
        user, verb, true, apiGroup, resource, subresource, namespace, name, "");
  }

  /** A non-resource request, such as {@code GET /healthz}. */
  public static RequestAttributes nonResource(Optional<UserInfo> user, String verb, String path) {
    return new RequestAttributes(user, verb, false, "", "", "", "", "", path);
  }

  /**
   * The attributes of the request an event records: a resource request when it has an {@code
   * objectRef}, else a non-resource request whose path is the request URI without its query.
   */
  public static RequestAttributes of(AuditEvent event) {
    if (event.objectRef().isPresent()) {
      ObjectReference ref = event.objectRef().get();
      return resource(
          event.user(),
          event.verb(),
          ref.apiGroup(),
          ref.resource(),
          ref.subresource(),
          ref.namespace(),
          ref.name());
    }
    String uri = event.requestURI();
    int q = uri.indexOf('?');
    return nonResource(event.user(), event.verb(), q < 0 ? uri : uri.substring(0, q));
  }
}

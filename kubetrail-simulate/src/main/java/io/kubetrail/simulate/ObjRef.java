package io.kubetrail.simulate;

/**
 * An event's {@code objectRef}; empty strings are left out when written, as Go's {@code omitempty}
 * does.
 */
record ObjRef(
    String resource,
    String namespace,
    String name,
    String uid,
    String apiGroup,
    String apiVersion,
    String resourceVersion,
    String subresource) {

  /** What kube-apiserver knows from the URL alone. */
  static ObjRef of(Kind kind, String namespace, String name) {
    return new ObjRef(kind.resource, namespace, name, "", kind.group, kind.version, "", "");
  }

  static ObjRef of(Kind kind, String namespace, String name, String subresource) {
    return new ObjRef(
        kind.resource, namespace, name, "", kind.group, kind.version, "", subresource);
  }

  /**
   * The reference to an existing object, as the URL gives it. For a Namespace, kube-apiserver's
   * request parser takes the name in {@code /api/v1/namespaces/NAME} as the namespace too.
   */
  static ObjRef to(KObject o, String subresource) {
    String namespace = o.kind == Kind.NAMESPACE ? o.name : o.namespace;
    return of(o.kind, namespace, o.name, subresource);
  }

  /**
   * Fills the fields that are still empty from the decoded request body, as {@code
   * LogRequestObject} does once the handler has decoded it.
   */
  ObjRef backfill(String bodyNamespace, String bodyName, String bodyUid, String bodyVersion) {
    return new ObjRef(
        resource,
        namespace.isEmpty() ? bodyNamespace : namespace,
        name.isEmpty() ? bodyName : name,
        uid.isEmpty() ? bodyUid : uid,
        apiGroup,
        apiVersion,
        resourceVersion.isEmpty() ? bodyVersion : resourceVersion,
        subresource);
  }
}

package io.kubetrail.history;

import java.util.List;
import java.util.Map;

/**
 * What replay needs to know about one Kubernetes object body, read in one streaming pass: type
 * information, the identity and version fields of its metadata, its labels, and where the body lies
 * in the buffer it was read from. For a List ({@code kind} ending in {@code List}) {@code items}
 * describes the items.
 *
 * @param deleting whether {@code metadata.deletionTimestamp} is set
 */
record ObjectInfo(
    String kind,
    String apiVersion,
    String name,
    String generateName,
    String namespace,
    String resourceVersion,
    String uid,
    boolean deleting,
    Map<String, String> labels,
    List<ObjectInfo> items,
    int offset,
    int length) {

  boolean isStatus() {
    return kind.equals("Status") && (apiVersion.equals("v1") || apiVersion.isEmpty());
  }

  boolean isList() {
    return kind.endsWith("List");
  }

  /** The API group of {@code apiVersion}: {@code ""} for {@code v1}, the part before '/' else. */
  String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }
}

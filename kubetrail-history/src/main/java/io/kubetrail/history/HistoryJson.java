package io.kubetrail.history;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The JSON shape of an object's history, the same in {@code history --output json} and the HTTP
 * API: {@code {"object", "cluster", "revisionsTotal", "revisions": [{"time", "verb", "subresource",
 * "user", "impersonatedUser", "responseCode", "resourceVersion", "auditID", "outcome", "note",
 * "changed", "diff"}]}}.
 */
public final class HistoryJson {
  private HistoryJson() {}

  /**
   * The history document.
   *
   * @param total how many revisions the object has; {@code revisions} may be the newest of them
   */
  public static ObjectNode tree(
      ResourceKey key, String cluster, int total, List<Revision> revisions) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("object", key.toString());
    root.put("cluster", cluster);
    root.put("revisionsTotal", total);
    ArrayNode list = root.putArray("revisions");
    for (Revision r : revisions) {
      ObjectNode n = list.addObject();
      n.put("time", r.time().toString());
      n.put("verb", r.verb());
      n.put("subresource", r.subresource());
      n.put("user", r.user());
      n.put("impersonatedUser", r.impersonatedUser());
      n.put("responseCode", r.responseCode());
      n.put("resourceVersion", r.resourceVersion());
      n.put("auditID", r.auditID());
      n.put("outcome", outcome(r.kind()));
      n.put("note", r.note());
      n.put("changed", r.changed());
      n.put("diff", r.diff());
    }
    return root;
  }

  /** What happened to the object, as the text output marks a revision. */
  public static String mark(Revision r) {
    if (r.kind() == EventKind.CHANGE) {
      return r.changed() ? "changed" : "no-op change";
    }
    return outcome(r.kind());
  }

  /** The {@code outcome} field: change, failed, dry-run or incomplete. */
  public static String outcome(EventKind kind) {
    return switch (kind) {
      case CHANGE -> "change";
      case DRY_RUN -> "dry-run";
      default -> kind.name().toLowerCase(Locale.ROOT);
    };
  }
}

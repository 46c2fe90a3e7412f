package io.kubetrail.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.kubetrail.policy.Coverage;
import io.kubetrail.policy.LoadedPolicy;
import io.kubetrail.policy.PolicyEvaluator;
import io.kubetrail.policy.PolicyException;
import io.kubetrail.policy.PolicyLoader;
import io.kubetrail.store.search.BadParameterException;
import java.nio.charset.StandardCharsets;

/**
 * {@code POST /policy/check}: an audit policy (YAML or JSON) in the body; the answer tells whether
 * kube-apiserver would accept it ({@code valid}, {@code errors}, {@code warnings}) and, when it
 * would, at which level it logs each change replay needs ({@code coverage}).
 */
final class PolicyRoutes {
  void check(Context ctx) {
    String text = new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
    if (text.isBlank()) {
      throw new BadParameterException("body", "the body must hold an audit policy (YAML or JSON)");
    }
    ObjectNode body = Http.object();
    LoadedPolicy policy;
    try {
      policy = PolicyLoader.load(text, "policy");
    } catch (PolicyException e) {
      body.put("valid", false);
      ArrayNode errors = body.putArray("errors");
      e.problems().forEach(errors::add);
      body.putArray("warnings");
      Http.json(ctx, body);
      return;
    }
    body.put("valid", true);
    body.putArray("errors");
    ArrayNode warnings = body.putArray("warnings");
    policy.warnings().forEach(warnings::add);
    body.put("apiVersion", policy.policy().apiVersion());
    body.put("rules", policy.policy().rules().size());
    ArrayNode cells = body.putArray("coverage");
    for (Coverage.Cell cell : Coverage.of(PolicyEvaluator.of(policy.policy())).cells()) {
      ObjectNode n = cells.addObject();
      n.put("resource", cell.target().label());
      n.put("verb", cell.verb());
      n.put("level", cell.effectiveLevel().name());
      n.put("enoughForReplay", !cell.belowRequestResponse());
      ArrayNode gaps = n.putArray("gaps");
      for (Coverage.Probe p : cell.gaps()) {
        ObjectNode g = gaps.addObject();
        g.put("requester", p.requester().name());
        g.put("resource", p.resourceLabel());
        g.put("level", p.effectiveLevel().name());
      }
    }
    Http.json(ctx, body);
  }
}

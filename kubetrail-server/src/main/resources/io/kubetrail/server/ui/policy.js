// Policy: paste an audit policy, see whether kube-apiserver would take it and what it logs.
"use strict";
KT.page("policy", async (app) => {
  const { h, api } = KT;
  const text = h("textarea", { id: "policy-text", rows: "18", spellcheck: "false",
    placeholder: "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: RequestResponse" });
  const out = h("div", { id: "policy-result" });
  async function check() {
    KT.fill(out, h("p", { class: "muted" }, "checking…"));
    const r = await api("policy/check", {}, text.value);
    const rows = (r.coverage || []).map((c) =>
      h("tr", { class: c.enoughForReplay ? "" : "gap" },
        h("td", {}, c.resource), h("td", {}, KT.verbChip(c.verb)), h("td", {}, c.level),
        h("td", {}, c.enoughForReplay ? "yes" : "no"),
        h("td", {}, c.gaps.map((g) => g.requester + " → " + g.level).join(", "))));
    KT.fill(out,
      h("p", { class: r.valid ? "valid" : "invalid", id: "policy-verdict" },
        r.valid ? "Valid: kube-apiserver accepts it (" + r.rules + " rules)."
          : "Not valid: kube-apiserver would refuse it."),
      r.errors.length ? h("ul", { class: "errors" }, r.errors.map((e) => h("li", {}, e))) : null,
      r.warnings.length ? h("ul", { class: "warnings" }, r.warnings.map((e) => h("li", {}, e))) : null,
      rows.length ? h("h3", {}, "Coverage: the level each change is logged at") : null,
      rows.length ? h("table", { class: "grid", id: "coverage" },
        h("thead", {}, h("tr", {}, ["resource", "verb", "level", "enough for replay", "gaps"]
          .map((t) => h("th", {}, t)))), h("tbody", {}, rows)) : null,
    );
  }
  KT.fill(app,
    h("h1", {}, "Audit policy check"),
    h("p", { class: "muted" }, "Paste an audit.k8s.io Policy (YAML or JSON). It is validated as kube-apiserver does;",
      " the coverage shows at which level it logs each change that replay needs (RequestResponse)."),
    text,
    h("p", {}, h("button", { id: "policy-check", onclick: () => check().catch(KT.showError) }, "Check")),
    out,
  );
});

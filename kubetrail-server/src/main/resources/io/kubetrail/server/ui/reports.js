// Reports: the types, run one now over an interval, its HTML view, and CSV / JSON / YAML downloads.
"use strict";
KT.page("reports", async (app, p) => {
  const { h, api, go } = KT;
  const defs = await api("reports");
  const f = h("form", { class: "filters", id: "report-form" },
    h("label", {}, "report", h("select", { name: "type", id: "r-type" },
      defs.types.map((t) => h("option", { value: t.id, selected: p.get("type") === t.id }, t.title + " (" + t.id + ")")))),
    h("label", {}, "cluster", h("select", { name: "cluster", id: "r-cluster" }, h("option", { value: "" }, "the only one"))),
    h("label", {}, "start", h("input", { name: "start", id: "r-start", value: p.get("start") || "", placeholder: "2026-01-01T00:00:00Z or 7d", size: "24", required: true })),
    h("label", {}, "end", h("input", { name: "end", id: "r-end", value: p.get("end") || "", placeholder: "now", size: "24" })),
    h("label", {}, "namespaces", h("input", { name: "namespaces", id: "r-namespaces", value: p.get("namespaces") || "", placeholder: "all you may read", size: "18" })),
    h("button", { type: "submit", id: "run" }, "Run now"));
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    go({ type: f.elements.type.value, cluster: f.elements.cluster.value, start: f.elements.start.value.trim(),
      end: f.elements.end.value.trim(), namespaces: f.elements.namespaces.value.trim() });
  });
  api("clusters").then((r) => r.clusters.forEach((c) =>
    f.elements.cluster.append(h("option", { value: c, selected: p.get("cluster") === c }, c)))).catch(KT.showError);
  const out = h("section", { id: "report" });
  KT.fill(app,
    h("h1", {}, "Reports"),
    h("p", { class: "muted" }, "Compliance reports over an interval, computed from the store now. ",
      defs.types.map((t) => t.id).join(", "), "; formats: ", defs.formats.join(", "), ". A viewer's reports cover only its namespaces."),
    f, out);
  if (!p.get("type") || !p.get("start")) return;
  const q = { cluster: p.get("cluster"), start: p.get("start"), end: p.get("end"), namespaces: p.get("namespaces") };
  KT.fill(out, h("p", { class: "muted" }, "running…"));
  const r = await api("reports/" + encodeURIComponent(p.get("type")), Object.assign({ format: "json" }, q));
  const url = (format) => KT.apiUrl("reports/" + encodeURIComponent(p.get("type")), Object.assign({ format }, q));
  const counts = Object.entries(r).filter(([, v]) => Array.isArray(v)).map(([k, v]) => v.length + " " + k);
  KT.fill(out,
    h("h2", {}, r.reportType || p.get("type"), " ", h("span", { class: "muted" },
      r.startTime ? "from " : "", r.startTime ? KT.time(r.startTime, true) : "", r.endTime ? " to " : "", r.endTime ? KT.time(r.endTime, true) : "")),
    h("p", { id: "report-summary" }, counts.join(" · ") || "done",
      r.evidence ? " · " + r.evidence.eventsReplayed + " events replayed" : ""),
    h("p", { class: "downloads" }, "Download: ",
      h("a", { id: "download-csv", href: url("csv"), download: "" }, "CSV (zip)"), " · ",
      h("a", { id: "download-json", href: url("json"), download: p.get("type") + ".json" }, "JSON"), " · ",
      h("a", { id: "download-yaml", href: url("yaml"), download: p.get("type") + ".yaml" }, "YAML"), " · ",
      h("a", { id: "open-html", href: url("html"), target: "_blank", rel: "noopener" }, "open the HTML view")),
    h("iframe", { id: "report-html", class: "report-frame", src: url("html"), title: "the report's HTML view", sandbox: "" }));
});

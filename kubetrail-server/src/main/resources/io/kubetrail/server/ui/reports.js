// Reports: the scheduled reports and the runs kept of them, run one now (a scheduled one, or any
// type over an interval), its HTML view, and CSV / JSON / YAML downloads.
"use strict";
KT.page("reports", async (app, p) => {
  const { h, api, go } = KT;
  const [defs, scheduled, kept] = await Promise.all([
    api("reports"), api("report-definitions"), api("report-runs", { limit: 50 })]);
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
      end: f.elements.end.value.trim(), namespaces: f.elements.namespaces.value.trim(), definition: "", run: "" });
  });
  api("clusters").then((r) => r.clusters.forEach((c) =>
    f.elements.cluster.append(h("option", { value: c, selected: p.get("cluster") === c }, c)))).catch(KT.showError);
  const out = h("section", { id: "report" });
  KT.fill(app,
    h("h1", {}, "Reports"),
    h("h2", {}, "Scheduled reports"),
    definitions(scheduled.definitions),
    h("h2", {}, "Kept runs"),
    runs(kept),
    h("h2", {}, "Run a report now"),
    h("p", { class: "muted" }, "Compliance reports over an interval, computed from the store now. ",
      defs.types.map((t) => t.id).join(", "), "; formats: ", defs.formats.join(", "), ". A viewer's reports cover only its namespaces."),
    f, out);

  if (p.get("run")) {
    const id = p.get("run");
    const url = (format) => KT.apiUrl("report-runs/" + encodeURIComponent(id) + "/download", { format });
    const [run, r] = await Promise.all([api("report-runs/" + encodeURIComponent(id)), api("report-runs/" + encodeURIComponent(id) + "/download", { format: "json" })]);
    show(r, url, "kept run " + run.id, id);
  } else if (p.get("definition")) {
    const name = p.get("definition");
    const q = { cluster: p.get("cluster") };
    const path = "report-definitions/" + encodeURIComponent(name) + "/run";
    KT.fill(out, h("p", { class: "muted" }, "running…"));
    const r = await api(path, Object.assign({ format: "json" }, q));
    show(r, again(path, q, r), name + ", its current period so far", name);
  } else if (p.get("type") && p.get("start")) {
    const q = { cluster: p.get("cluster"), start: p.get("start"), end: p.get("end"), namespaces: p.get("namespaces") };
    KT.fill(out, h("p", { class: "muted" }, "running…"));
    const path = "reports/" + encodeURIComponent(p.get("type"));
    const r = await api(path, Object.assign({ format: "json" }, q));
    show(r, again(path, q, r), "", p.get("type"));
  }

  /**
   * The report just shown, in another format: over the interval it covered, so that a run ending
   * "now" is not made again over a later one for its downloads and HTML view.
   */
  function again(path, q, r) {
    return (format) => KT.apiUrl(path, Object.assign({ format }, q, { start: r.startTime, end: r.endTime }));
  }

  /** A report's summary, downloads and HTML view. */
  function show(r, url, what, base) {
    const counts = Object.entries(r).filter(([, v]) => Array.isArray(v)).map(([k, v]) => v.length + " " + k);
    KT.fill(out,
      h("h2", {}, r.reportType || p.get("type"), " ", h("span", { class: "muted" },
        r.startTime ? "from " : "", r.startTime ? KT.time(r.startTime, true) : "", r.endTime ? " to " : "", r.endTime ? KT.time(r.endTime, true) : "",
        what ? " · " + what : "")),
      h("p", { id: "report-summary" }, counts.join(" · ") || "done",
        r.evidence ? " · " + r.evidence.eventsReplayed + " events replayed" : ""),
      h("p", { class: "downloads" }, "Download: ",
        h("a", { id: "download-csv", href: url("csv"), download: "" }, "CSV (zip)"), " · ",
        h("a", { id: "download-json", href: url("json"), download: base + ".json" }, "JSON"), " · ",
        h("a", { id: "download-yaml", href: url("yaml"), download: base + ".yaml" }, "YAML"), " · ",
        h("a", { id: "open-html", href: url("html"), target: "_blank", rel: "noopener" }, "open the HTML view")),
      h("iframe", { id: "report-html", class: "report-frame", src: url("html"), title: "the report's HTML view", sandbox: "" }));
    out.scrollIntoView({ block: "start" });
  }

  function scope(e) {
    const parts = [];
    if (e.selector && e.selector !== "all()") parts.push(e.selector);
    if (e.namespaces && e.namespaces.length) parts.push("namespaces " + e.namespaces.join(", "));
    if (e.namespaceSelector && e.namespaceSelector !== "all()") parts.push("namespace " + e.namespaceSelector);
    if (e.serviceAccounts && e.serviceAccounts.length) parts.push("service accounts " + e.serviceAccounts.join(", "));
    return parts.join("; ") || "every pod";
  }

  function definitions(list) {
    if (!list.length) {
      return h("p", { class: "muted", id: "no-definitions" },
        "No scheduled reports: serve lists them when given the collector's reports file (--reports FILE, or --config with reports:).");
    }
    return h("table", { class: "grid definitions", id: "definitions" },
      h("thead", {}, h("tr", {}, ["name", "type", "schedule (UTC)", "endpoints", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, list.map((d) => h("tr", { "data-name": d.name },
        h("td", {}, h("b", {}, d.name), d.suspend ? h("span", { class: "muted" }, " (suspended)") : ""),
        h("td", {}, d.reportType),
        h("td", {}, h("code", {}, d.schedule)),
        h("td", {}, scope(d.endpoints)),
        h("td", {}, h("button", { class: "run-definition", "data-name": d.name,
          title: "make it now over its current period so far (not kept)",
          onclick: () => go({ definition: d.name, run: "", type: "", start: "" }) }, "Run now"))))));
  }

  function runs(r) {
    const hidden = r.hidden ? h("p", { class: "muted", id: "runs-hidden" }, r.hidden + " kept run" + (r.hidden === 1 ? "" : "s") +
      " not shown: they hold rows of namespaces you may not read. Run the report now for yours.") : null;
    if (!r.runs.length) {
      return [h("p", { class: "muted", id: "no-runs" }, "No runs kept: kubetrail collect makes them as each period of a scheduled report ends."), hidden];
    }
    const dl = (id, format, label) => h("a", { href: KT.apiUrl("report-runs/" + encodeURIComponent(id) + "/download", { format }),
      download: "", class: "dl-" + format }, label);
    return [h("table", { class: "grid runs", id: "runs" },
      h("thead", {}, h("tr", {}, ["report", "type", "period", "made", "events", "warnings", "download"].map((t) => h("th", {}, t)))),
      h("tbody", {}, r.runs.map((x) => h("tr", { "data-id": x.id, class: p.get("run") === x.id ? "on" : "" },
        h("td", {}, h("a", { href: "#", class: "open-run", onclick: (e) => { e.preventDefault(); go({ run: x.id, definition: "", type: "", start: "" }); } }, x.report)),
        h("td", {}, x.reportType),
        h("td", {}, KT.time(x.startTime, true), " → ", KT.time(x.endTime, true)),
        h("td", {}, KT.time(x.generated, true)),
        h("td", {}, String(x.evidence.eventsReplayed)),
        h("td", { class: x.evidence.warnings.length ? "warn" : "", title: x.evidence.warnings.join("\n") }, String(x.evidence.warnings.length)),
        h("td", {}, dl(x.id, "csv", "CSV"), " · ", dl(x.id, "json", "JSON"), " · ", dl(x.id, "yaml", "YAML"), " · ", dl(x.id, "html", "HTML")))))), hidden];
  }
});

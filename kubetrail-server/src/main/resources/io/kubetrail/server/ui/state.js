// State at T: the objects a cluster had at a time, their bodies, and the changes between two times
// (each changed object's diff from the one time to the other).
"use strict";
KT.page("state", async (app, p) => {
  const { h, api, go } = KT;
  const SHOW = 400;
  const at = p.get("at") || new Date().toISOString();
  const f = h("form", { class: "filters", id: "state-form" },
    h("label", {}, "cluster", h("select", { name: "cluster", id: "s-cluster" }, h("option", { value: "" }, "the only one"))),
    h("label", {}, "at", h("input", { name: "at", id: "s-at", value: p.get("at") || "", placeholder: "2026-01-01T00:30:00Z or 2h", size: "26" })),
    h("label", {}, "namespace", h("input", { name: "namespace", id: "s-namespace", value: p.get("namespace") || "", size: "14" })),
    h("label", {}, "compare with", h("input", { name: "compare", id: "s-compare", value: p.get("compare") || "", placeholder: "an earlier or later time", size: "26" })),
    h("button", { type: "submit", id: "s-apply" }, "Show"));
  f.addEventListener("submit", (e) => {
    e.preventDefault();
    go({ cluster: f.elements.cluster.value, at: f.elements.at.value.trim(), namespace: f.elements.namespace.value.trim(),
      compare: f.elements.compare.value.trim(), object: "" });
  });
  api("clusters").then((r) => r.clusters.forEach((c) =>
    f.elements.cluster.append(h("option", { value: c, selected: p.get("cluster") === c }, c)))).catch(KT.showError);

  const q = { cluster: p.get("cluster"), at, namespace: p.get("namespace") };
  const [state, changes] = await Promise.all([
    api("state", q),
    p.get("compare") ? api("changes", { cluster: p.get("cluster"), ...span(at, p.get("compare")), namespaces: p.get("namespace") }) : null,
  ]);
  const kinds = Object.keys(state.objects);
  // An object given by the history page names its kind as plural.group: the state keys by plural.
  const wanted = p.get("resource") || (p.get("object") || "").split("/")[0].split(".")[0];
  const kind = wanted && state.objects[wanted] ? wanted : kinds[0];
  const names = kind ? state.objects[kind] : [];
  const objectHref = (name) => kind + "/" + name;

  const kindList = h("ul", { class: "kinds", id: "kinds" }, kinds.map((k) =>
    h("li", { class: k === kind ? "on" : "" }, h("a", { href: "#", onclick: (e) => { e.preventDefault(); go({ resource: k, object: "" }); } },
      k + " ", h("span", { class: "count" }, String(state.objects[k].length))))));
  let shown = SHOW;
  const nameList = h("ul", { class: "names", id: "names" });
  const fill = () => {
    KT.fill(nameList, ...names.slice(0, shown).map((n) =>
      h("li", { class: p.get("object") === objectHref(n) ? "on" : "" },
        h("a", { href: "#", "data-object": objectHref(n), onclick: (e) => { e.preventDefault(); go({ object: objectHref(n) }); } }, n))));
    if (names.length > shown) {
      nameList.append(h("li", {}, h("button", { class: "link", onclick: () => { shown += SHOW; fill(); } },
        "show " + Math.min(SHOW, names.length - shown) + " more of " + names.length)));
    }
  };
  fill();

  const body = h("section", { class: "body", id: "body" });
  if (p.get("object")) {
    const absent = (e) => { if (e.status === 404) return null; throw e; };
    const [o, d] = await Promise.all([
      api("state/object", { cluster: state.cluster, at: state.at, object: p.get("object") }).catch(absent),
      p.get("compare") ? api("state/diff", { cluster: state.cluster, object: p.get("object"), ...fromTo(at, p.get("compare")) }) : null,
    ]);
    if (d) {
      body.append(h("section", { class: "state-diff", id: "state-diff" },
        h("div", { class: "diff-head" }, h("b", {}, d.object), " from ", KT.time(d.from.at, true), " to ", KT.time(d.to.at, true),
          d.from.exists ? "" : " (absent at the start)", d.to.exists ? "" : " (absent at the end)"),
        KT.diff.view(d.diff, false)));
    }
    if (o) {
      body.append(
        h("div", { class: "diff-head" }, h("b", {}, o.object), " at ", KT.time(o.at, true),
          " · resourceVersion " + o.resourceVersion + " · last modified ", KT.time(o.modified, true), " · ",
          h("a", { id: "history-link", href: "/ui/object?" + KT.query({ cluster: o.cluster, object: o.object, tz: p.get("tz") }) }, "history")),
        h("pre", { class: "raw" }, JSON.stringify(o.body, null, 2)));
    } else {
      body.append(h("p", { class: "muted", id: "absent" }, p.get("object") + " did not exist at this time."));
    }
  } else {
    body.append(h("p", { class: "muted" }, "Pick an object to see its body at this time" +
      (p.get("compare") ? ", and how it changed between the two times." : ".")));
  }

  KT.fill(app,
    h("h1", {}, "State of ", h("span", { id: "s-cluster-name" }, state.cluster), " at ", KT.time(state.at, true)),
    f,
    state.warnings && state.warnings.length ? h("ul", { class: "warnings" }, state.warnings.map((w) => h("li", {}, String(w)))) : null,
    changes ? changeList(changes) : null,
    h("div", { class: "state-layout" }, kindList, nameList, body),
  );

  /** The two times in order, as the object's diff wants them. */
  function fromTo(a, b) {
    const s = span(a, b);
    return { from: s.start, to: s.end };
  }

  /** The two times in order, as the changes report wants them. */
  function span(a, b) {
    return Date.parse(iso(a)) <= Date.parse(iso(b)) ? { start: a, end: b } : { start: b, end: a };
  }

  function iso(t) {
    const m = /^(\d+)([smhdw])$/.exec(t);
    if (!m) return t;
    const unit = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2]];
    return new Date(Date.now() - Number(m[1]) * unit * 1000).toISOString();
  }

  function changeList(r) {
    const counts = {};
    r.objects.forEach((o) => { counts[o.change] = (counts[o.change] || 0) + 1; });
    return h("section", { class: "changes", id: "changes" },
      h("h2", {}, "Changes from ", KT.time(r.startTime, true), " to ", KT.time(r.endTime, true), ": ",
        Object.entries(counts).map(([k, v]) => v + " " + k).join(", ") || "none"),
      h("table", { class: "grid" },
        h("thead", {}, h("tr", {}, ["change", "object", "writes", "last by", ""].map((t) => h("th", {}, t)))),
        h("tbody", {}, r.objects.slice(0, 500).map((o) => {
          const key = o.resource + "/" + (o.namespace ? o.namespace + "/" : "") + o.name;
          const last = o.writes[o.writes.length - 1];
          return h("tr", {},
            h("td", {}, h("span", { class: "chip ch-" + o.change }, o.change)),
            h("td", {}, h("a", { href: "/ui/object?" + KT.query({ cluster: p.get("cluster"), object: key, tz: p.get("tz") }) }, key)),
            h("td", {}, String(o.writes.length)),
            h("td", {}, last ? KT.principal(last.user) : ""),
            h("td", {}, h("a", { href: "#", class: "show-diff", "data-object": key, onclick: (e) => { e.preventDefault(); go({ object: key }); } }, "diff")));
        }))),
      r.objects.length > 500 ? h("p", { class: "muted" }, "the first 500 of " + r.objects.length + "; the changes report has all") : null);
  }
});

// One request's detail beside the Timeline: the raw event as a table, JSON or YAML, with links.
"use strict";
(() => {
  const { h, api, go } = KT;

  /** kubectl-like YAML for display only (exports come from the API's own writer). */
  function yaml(v, indent) {
    const pad = "  ".repeat(indent || 0);
    const scalar = (x) => {
      if (x === null) return "null";
      if (typeof x !== "string") return String(x);
      return /^[\w./:@-][\w ./:@,=+-]*$/.test(x) && !/^(true|false|null|yes|no|[\d.]+)$/i.test(x) ? x : JSON.stringify(x);
    };
    if (Array.isArray(v)) {
      if (!v.length) return "[]";
      return v.map((x) => pad + "- " + (x !== null && typeof x === "object"
        ? yaml(x, (indent || 0) + 1).trimStart() : scalar(x))).join("\n");
    }
    if (v !== null && typeof v === "object") {
      const keys = Object.keys(v);
      if (!keys.length) return "{}";
      return keys.map((k) => {
        const x = v[k];
        if (x !== null && typeof x === "object" && (Array.isArray(x) ? x.length : Object.keys(x).length)) {
          return pad + k + ":\n" + yaml(x, (indent || 0) + (Array.isArray(x) ? 0 : 1));
        }
        return pad + k + ": " + (x !== null && typeof x === "object" ? yaml(x) : scalar(x));
      }).join("\n");
    }
    return pad + scalar(v);
  }

  function flatten(v, prefix, out) {
    if (v !== null && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) flatten(x, prefix ? prefix + "." + k : k, out);
    } else {
      out.push([prefix, v]);
    }
    return out;
  }

  /** Fills the aside for the URL's event=CLUSTER/AUDITID. */
  KT.eventDetail = async (aside, p) => {
    const ref = p.get("event");
    if (!ref) return;
    const slash = ref.indexOf("/");
    const cluster = ref.slice(0, slash);
    const id = ref.slice(slash + 1);
    const data = await api("requests/" + encodeURIComponent(cluster) + "/" + encodeURIComponent(id));
    const e = data.events[data.events.length - 1];
    const t = e.requestReceivedTimestamp;
    const view = p.get("view") || "table";
    const body = view === "json" ? h("pre", { class: "raw" }, JSON.stringify(e, null, 2))
      : view === "yaml" ? h("pre", { class: "raw" }, yaml(e))
        : h("table", { class: "kv" }, flatten(e, "", []).map(([k, v]) =>
          h("tr", {}, h("th", {}, k), h("td", {}, String(v)))));
    const around = (min) => new Date(Date.parse(t) + min * 60000).toISOString();
    KT.fill(aside,
      h("div", { class: "detail-head" },
        h("b", {}, e.verb + " " + (e.objectRef ? e.objectRef.resource + " " + (e.objectRef.name || "") : e.requestURI)),
        h("button", { class: "link", id: "close-detail", onclick: () => go({ event: "", view: "" }) }, "close")),
      h("p", {}, KT.time(t, true), " · ", data.events.length + " stage" + (data.events.length > 1 ? "s" : "") + " stored"),
      h("p", { class: "tabs" }, ["table", "json", "yaml"].map((v) =>
        h("button", { class: "tab" + (v === view ? " on" : ""), id: "view-" + v, onclick: () => go({ view: v === "table" ? "" : v }, { replace: true }) }, v.toUpperCase()))),
      h("p", { class: "links" },
        h("a", { href: location.pathname + location.search, id: "permalink" }, "permalink"), " · ",
        h("a", { href: "/ui/timeline?" + KT.query({ cluster, since: around(-5), until: around(5), tz: p.get("tz") }), id: "around" }, "changes ±5 min, cluster-wide"), " · ",
        h("a", { href: "/ui/state?" + KT.query({ cluster, at: t, tz: p.get("tz") }), class: "asof" }, "cluster as of here")),
      body,
    );
  };
})();

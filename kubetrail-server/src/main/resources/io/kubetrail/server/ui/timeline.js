// Timeline: requests newest first, filters, a histogram to brush, facet counts, export (JSON, YAML, CSV), live mode.
"use strict";
(() => {
  const { h, api, go } = KT;
  const PAGE = 50;
  const FIELDS = ["cluster", "since", "until", "namespace", "resource", "name", "user", "verb", "code"];
  const SUCCESS = "200,201,202,203,204,205,206";
  const FACETS = ["resource", "namespace", "user", "verb", "code"];
  const COLORS = { create: "#2f6fdb", update: "#7a4fd0", patch: "#1f9d8b", delete: "#d23b3b", other: "#9aa3ad" };

  /** The API's filter parameters for the page's URL: changes only unless activity is asked for. */
  function filters(p) {
    const q = {};
    FIELDS.forEach((f) => { if (p.get(f)) q[f] = p.get(f); });
    if (p.get("activity")) {
      if (p.get("hideDryRun")) q.excludeDryRun = true;
      if (p.get("hideFailed") && !q.code) q.code = SUCCESS;
    } else {
      q.changesOnly = true;
    }
    return q;
  }

  function form(p) {
    const input = (name, label, placeholder, size) =>
      h("label", {}, label, h("input", { name, id: "f-" + name, value: p.get(name) || "", placeholder, size: size || "12" }));
    const box = (name, label, disabled) =>
      h("label", { class: "check" }, h("input", { type: "checkbox", name, id: "f-" + name, checked: !!p.get(name), disabled }), label);
    const f = h("form", { class: "filters", id: "filters" },
      h("label", {}, "cluster", h("select", { name: "cluster", id: "f-cluster" }, h("option", { value: "" }, "all"))),
      input("since", "from", "2h or 2026-01-01T00:00:00Z", "20"),
      input("until", "to", "now", "20"),
      input("namespace", "namespace", ""), input("resource", "kind", "pods"), input("name", "name", ""),
      input("user", "user", ""), input("verb", "verb", "create,delete", "10"), input("code", "code", "403", "6"),
      box("activity", "include activity (reads, failures, dry runs)"),
      box("hideDryRun", "hide dry runs", !p.get("activity")),
      box("hideFailed", "hide failures", !p.get("activity")),
      h("button", { type: "submit", id: "apply" }, "Apply"),
      h("button", { type: "button", class: "link", onclick: () => go(Object.fromEntries(
        [...FIELDS, "activity", "hideDryRun", "hideFailed", "live", "event"].map((k) => [k, ""]))) }, "clear"),
    );
    f.addEventListener("submit", (e) => {
      e.preventDefault();
      const changes = { event: "" };
      FIELDS.forEach((k) => { changes[k] = f.elements[k].value.trim(); });
      ["activity", "hideDryRun", "hideFailed"].forEach((k) => { changes[k] = f.elements[k].checked; });
      if (changes.until) changes.live = "";
      go(changes);
    });
    f.elements.activity.addEventListener("change", (e) => {
      f.elements.hideDryRun.disabled = !e.target.checked;
      f.elements.hideFailed.disabled = !e.target.checked;
    });
    api("clusters").then((r) => {
      const sel = f.elements.cluster;
      r.clusters.forEach((c) => sel.append(h("option", { value: c, selected: p.get("cluster") === c }, c)));
    }).catch(KT.showError);
    return f;
  }

  /** Adds or removes one value of a filter (comma-separated lists for verb and code). */
  function toggle(field, value) {
    const p = KT.params();
    const multi = field === "verb" || field === "code";
    let values = multi ? (p.get(field) || "").split(",").filter(Boolean) : p.get(field) ? [p.get(field)] : [];
    values = values.includes(value) ? values.filter((v) => v !== value) : multi ? [...values, value] : [value];
    go({ [field]: values.join(","), event: "" });
  }

  function facets(p, data) {
    return FACETS.map((field) => {
      const active = (p.get(field) || "").split(",").filter(Boolean);
      const label = field === "resource" ? "kind" : field;
      return h("div", { class: "facet", id: "facet-" + field }, h("span", { class: "facet-name" }, label),
        (data.facets[field] || []).map((c) => {
          const value = c.value;
          return h("button", {
            class: "chip facet-chip" + (active.includes(value) ? " on" : ""), "data-value": value,
            title: (active.includes(value) ? "remove the filter " : "filter to ") + label + " " + (value || "(none)"),
            onclick: () => toggle(field, value),
          }, (value || "(cluster-scoped)") + " ", h("span", { class: "count" }, c.count.toLocaleString("en")));
        }));
    });
  }

  function bucketText(seconds) {
    if (seconds % 86400 === 0) return seconds / 86400 + " d";
    if (seconds % 3600 === 0) return seconds / 3600 + " h";
    if (seconds % 60 === 0) return seconds / 60 + " min";
    return seconds + " s";
  }

  /** One histogram per top verb at the overall bucket width, stacked; the rest is "other". */
  async function histogram(el, p, q, label) {
    const all = await api("histogram", Object.assign({}, q, { buckets: 100 }));
    const step = all.bucketSeconds;
    label.textContent = "per " + bucketText(step) + ", " + all.buckets.length + " non-empty buckets";
    const verbs = (await api("facets", Object.assign({}, q, { field: "verb", limit: 4 }))).facets.verb.map((v) => v.value);
    const per = await Promise.all(verbs.map((v) =>
      api("histogram", Object.assign({}, q, { verb: v, bucket: step + "s" }))));
    const key = (iso) => Math.round(Date.parse(iso) / 1000);
    const times = all.buckets.map((b) => key(b.start));
    const first = times.length ? Math.min(...times) : 0;
    const last = times.length ? Math.max(...times) : first;
    const xs = [];
    for (let t = first; t <= last; t += step) xs.push(t);
    const index = new Map(xs.map((t, i) => [t, i]));
    const series = verbs.map((v, i) => {
      const ys = new Array(xs.length).fill(0);
      per[i].buckets.forEach((b) => { if (index.has(key(b.start))) ys[index.get(key(b.start))] += b.count; });
      return { name: v, ys };
    });
    const other = new Array(xs.length).fill(0);
    all.buckets.forEach((b) => { other[index.get(key(b.start))] += b.count; });
    series.forEach((s) => s.ys.forEach((y, i) => { other[i] -= y; }));
    if (other.some((y) => y > 0)) series.push({ name: "other", ys: other });
    el.dataset.total = String(all.total);
    el.dataset.bars = String(xs.length);
    el.dataset.bucketSeconds = String(step);
    draw(el, xs, series, step);
  }

  function draw(el, xs, series, step) {
    KT.fill(el);
    if (!xs.length) {
      el.append(h("p", { class: "muted" }, "nothing in this range"));
      return;
    }
    // Stacked: each series drawn at its cumulative height, the tallest first.
    const stacked = [];
    let acc = new Array(xs.length).fill(0);
    series.forEach((s) => { acc = acc.map((a, i) => a + s.ys[i]); stacked.push(acc); });
    const utc = !KT.params().get("tz");
    const bars = uPlot.paths.bars({ size: [0.9, 40], align: 1 });
    const opts = {
      width: Math.max(300, el.clientWidth || 900), height: 120,
      tzDate: utc ? (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC") : undefined,
      legend: { show: true },
      cursor: { drag: { x: true, y: false, setScale: false } },
      scales: { x: { time: true, range: (u, a, b) => [a, b + step] } },
      axes: [{ values: (u, splits) => ticks(splits, step) }, { size: 44 }],
      series: [{}].concat(series.map((s, i) => ({
        label: s.name, stroke: COLORS[s.name] || COLORS.other, fill: COLORS[s.name] || COLORS.other,
        paths: bars, points: { show: false }, width: 0,
        value: (u, v, si, di) => (di == null ? "" : String(series[i].ys[di])),
      })).reverse()),
      hooks: {
        setSelect: [(u) => {
          if (u.select.width < 3) return;
          const a = Math.floor(u.posToVal(u.select.left, "x"));
          const b = Math.ceil(u.posToVal(u.select.left + u.select.width, "x"));
          go({ since: new Date(a * 1000).toISOString(), until: new Date(b * 1000).toISOString(), live: "", event: "" },
            { state: { zoom: true } });
        }],
      },
    };
    const data = [xs].concat(stacked.slice().reverse());
    el.chart = new uPlot(opts, data, el);
  }

  /** 24-hour tick labels in the page's time zone, with the day where it changes. */
  function ticks(splits, step) {
    let lastDay = "";
    return splits.map((s) => {
      const iso = new Date(s * 1000).toISOString();
      const t = KT.time(iso).textContent.replace("Z", "");
      const day = KT.day(iso);
      const label = step < 60 ? t : t.slice(0, 5);
      const out = day !== lastDay ? label + "\n" + day : label;
      lastDay = day;
      return out;
    });
  }

  function detailLink(r) {
    return h("a", { href: "#", class: "when", onclick: (e) => { e.preventDefault(); go({ event: r.cluster + "/" + r.auditID }); } },
      KT.time(r.time));
  }

  function cell(field, value, text) {
    return h("button", { class: "cell", title: "filter to " + field + " " + value, onclick: () => toggle(field, value) }, text || value);
  }

  function row(r) {
    const object = r.objectKey
      ? h("a", { class: "obj", href: "/ui/object?" + KT.query({ cluster: r.cluster, object: r.objectKey, tz: KT.params().get("tz") }) },
        (r.namespace ? r.namespace + "/" : "") + r.name)
      : h("span", { class: "muted" }, r.requestURI);
    return h("tr", { "data-audit": r.auditID, "data-namespace": r.namespace, class: r.dryRun ? "dry" : "" },
      h("td", {}, detailLink(r)),
      h("td", {}, r.cluster),
      h("td", {}, cell("verb", r.verb, KT.verbChip(r.verb)), r.dryRun ? h("span", { class: "chip dry" }, "dry run") : null),
      h("td", {}, cell("resource", r.resource), r.subresource ? "/" + r.subresource : ""),
      h("td", {}, object),
      h("td", {}, cell("user", r.user, KT.principal(r.user))),
      h("td", {}, cell("code", String(r.responseCode), h("span", { class: "code " + KT.codeClass(r.responseCode) }, r.responseCode))),
    );
  }

  /** Appends rows under day headers; the table remembers the last day and every request shown. */
  function addRows(tbody, rows, atTop) {
    const seen = tbody.seen || (tbody.seen = new Set());
    const fresh = rows.filter((r) => !seen.has(r.cluster + "/" + r.auditID));
    fresh.forEach((r) => seen.add(r.cluster + "/" + r.auditID));
    if (atTop) {
      fresh.slice().reverse().forEach((r) => {
        const first = tbody.querySelector("tr.day");
        const day = KT.day(r.time);
        if (!first || first.dataset.day !== day) tbody.prepend(h("tr", { class: "day", "data-day": day }, h("th", { colspan: "7" }, day)));
        tbody.querySelector("tr.day").after(Object.assign(row(r), { className: "fresh" }));
      });
      return fresh.length;
    }
    for (const r of fresh) {
      const day = KT.day(r.time);
      if (tbody.lastDay !== day) {
        tbody.append(h("tr", { class: "day", "data-day": day }, h("th", { colspan: "7" }, day)));
        tbody.lastDay = day;
      }
      tbody.append(row(r));
    }
    return fresh.length;
  }

  async function rows(tbody, more, q, cursor) {
    const page = await api("events", Object.assign({}, q, { limit: PAGE, cursor }));
    addRows(tbody, page.events, false);
    KT.fill(more);
    if (page.next) {
      more.append(h("button", { id: "more", onclick: () => rows(tbody, more, q, page.next).catch(KT.showError) }, "Older requests"));
    } else if (!tbody.children.length) {
      tbody.append(h("tr", {}, h("td", { colspan: "7", class: "muted" }, "No requests match.")));
    }
  }

  KT.page("timeline", async (app, p) => {
    const q = filters(p);
    const what = p.get("activity") ? "requests" : "changes";
    const total = h("b", { id: "total" }, "…");
    const width = h("span", { id: "bucket", class: "muted" });
    const hist = h("div", { id: "histogram", class: "histogram" });
    const facetBox = h("div", { id: "facets", class: "facets" });
    const tbody = h("tbody", { id: "rows" });
    const more = h("div", { class: "more" });
    const zoomed = history.state && history.state.zoom;
    const exportQ = (format) => KT.apiUrl("events/export", Object.assign({}, q, { format }));
    const live = h("label", { class: "check", title: p.get("until") ? "live mode needs an open range (to = now)" : "poll for new requests every 5 s" },
      h("input", { type: "checkbox", id: "live", checked: !!p.get("live") && !p.get("until"), disabled: !!p.get("until"),
        onchange: (e) => go({ live: e.target.checked }, { replace: true }) }), "live");
    const detail = h("aside", { id: "detail", class: "detail", hidden: !p.get("event") });
    KT.fill(app,
      form(p),
      h("div", { class: "summary" },
        total, " " + what + " ", width,
        (p.get("since") || p.get("until"))
          ? h("button", { id: "reset", class: "link", onclick: () => (zoomed ? history.back() : go({ since: "", until: "" })) },
            zoomed ? "Reset zoom" : "Whole range") : null,
        h("span", { class: "spacer" }), live,
        h("span", { class: "export" }, "Export these rows: ",
          h("a", { id: "export-json", href: exportQ("json"), download: "kubetrail-events.json" }, "JSON"), " · ",
          h("a", { id: "export-yaml", href: exportQ("yaml"), download: "kubetrail-events.yaml" }, "YAML"), " · ",
          h("a", { id: "export-csv", href: exportQ("csv"), download: "kubetrail-events.csv" }, "CSV"))),
      hist,
      facetBox,
      h("div", { class: "split" },
        h("table", { class: "grid rows", id: "timeline" },
          h("thead", {}, h("tr", {}, ["time", "cluster", "verb", "kind", "namespace/name", "principal", "code"].map((t) => h("th", {}, t)))),
          tbody),
        detail),
      more,
    );
    const counts = api("facets", Object.assign({}, q, { limit: 8 })).then((data) => {
      total.textContent = data.total.toLocaleString("en");
      total.dataset.count = String(data.total);
      KT.fill(facetBox, ...facets(p, data));
    });
    await Promise.all([counts, histogram(hist, p, q, width), rows(tbody, more, q), KT.eventDetail(detail, p)]);
    if (p.get("live") && !p.get("until")) {
      const timer = setInterval(async () => {
        try {
          const page = await api("events", Object.assign({}, q, { limit: PAGE }));
          const added = addRows(tbody, page.events, true);
          if (added) {
            const data = await api("facets", Object.assign({}, q, { limit: 8 }));
            total.textContent = data.total.toLocaleString("en");
            total.dataset.count = String(data.total);
            KT.fill(facetBox, ...facets(p, data));
            await histogram(hist, p, q, width);
          }
        } catch (e) {
          KT.showError(e);
        }
      }, Number(p.get("every") || 5) * 1000);
      KT.onLeave(() => clearInterval(timer));
    }
  });
})();

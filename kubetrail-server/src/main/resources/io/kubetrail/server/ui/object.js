// Object page: every revision with who and when, its diff from the previous one (or between any
// two revisions picked as A and B), a lifecycle strip.
"use strict";
KT.page("object", async (app, p) => {
  const { h, api, go } = KT;
  const object = p.get("object");
  if (!object) {
    KT.fill(app, h("p", {}, "Open an object from the Timeline or State at T."));
    return;
  }
  const data = await api("history", { cluster: p.get("cluster"), object, diff: p.get("diff") === "full" ? "full" : "quiet" });
  const revs = data.revisions;
  const n = revs.length;
  const sel = Math.min(Math.max(Number(p.get("rev") || n) - 1, 0), Math.max(n - 1, 0));
  const mark = (r) => (r.outcome !== "change" ? r.outcome : r.changed ? "changed" : "no-op");
  const pick = (i) => go({ rev: String(i + 1), a: "", b: "" }, { replace: false });

  const list = h("ol", { class: "revisions", id: "revisions" }, revs.map((r, i) =>
    h("li", { class: "rev " + mark(r) + (i === sel ? " selected" : "") + (i + 1 === Number(p.get("a")) ? " cmp-a" : "") + (i + 1 === Number(p.get("b")) ? " cmp-b" : ""), "data-index": String(i + 1), onclick: () => pick(i) },
      h("span", { class: "idx" }, "#" + (i + 1)),
      h("span", { class: "mark m-" + mark(r), title: mark(r) }, mark(r)),
      KT.time(r.time, true), KT.verbChip(r.verb + (r.subresource ? "/" + r.subresource : "")),
      KT.principal(r.user), h("span", { class: "code " + KT.codeClass(r.responseCode) }, r.responseCode))));

  // Lifecycle: one segment per revision up to the next; after a delete dashed, before the first
  // revision (when it is not a create) hatched: the object's state there is unknown.
  const strip = h("div", { class: "lifecycle", id: "lifecycle" });
  if (n) {
    const t0 = Date.parse(revs[0].time);
    const tEnd = Math.max(Date.parse(revs[n - 1].time) + 1, Date.now() < t0 ? t0 + 1 : Math.min(Date.now(), Date.parse(revs[n - 1].time) + (Date.parse(revs[n - 1].time) - t0) * 0.1 + 1000));
    const span = tEnd - t0;
    if (revs[0].verb !== "create") strip.append(h("span", { class: "seg unknown", title: "state before #1 unknown" }));
    revs.forEach((r, i) => {
      const next = i + 1 < n ? Date.parse(revs[i + 1].time) : tEnd;
      const w = Math.max(0.6, ((next - Date.parse(r.time)) / span) * 100);
      const s = h("span", { class: "seg" + (r.verb === "delete" && r.outcome === "change" ? " deleted" : "") + (i === sel ? " selected" : ""),
        title: "#" + (i + 1) + " " + r.verb + " " + r.time, onclick: () => pick(i) }, String(i + 1));
      s.style.flexGrow = String(w);
      strip.append(s);
    });
  }

  const r = revs[sel];
  const split = !!p.get("split");
  const view = p.get("diff") === "full" ? "full" : "quiet";
  // Two revisions to compare, 1-based, from the URL: A and B.
  const ia = Number(p.get("a") || 0);
  const ib = Number(p.get("b") || 0);
  const comparing = ia >= 1 && ib >= 1 && ia <= n && ib <= n;
  const revOptions = (chosen) => revs.map((x, i) =>
    h("option", { value: String(i + 1), selected: i + 1 === chosen }, "#" + (i + 1) + " " + x.verb + " " + x.time));
  const compareForm = n > 1
    ? h("form", { class: "compare", id: "compare-form" },
      "Compare ", h("select", { id: "cmp-a", name: "a", "aria-label": "revision A" }, revOptions(comparing ? ia : Math.max(sel, 1))),
      " with ", h("select", { id: "cmp-b", name: "b", "aria-label": "revision B" }, revOptions(comparing ? ib : sel + 1)),
      " ", h("button", { type: "submit", id: "cmp-go" }, "Compare A with B"),
      comparing ? [" ", h("button", { type: "button", class: "link", id: "cmp-off", onclick: () => go({ a: "", b: "" }) }, "back to each revision with the one before")] : null)
    : null;
  if (compareForm) {
    compareForm.addEventListener("submit", (e) => {
      e.preventDefault();
      go({ a: compareForm.elements.a.value, b: compareForm.elements.b.value });
    });
  }
  const tools = (asofTime) => h("div", { class: "diff-tools" },
    h("label", { class: "check" }, h("input", { type: "checkbox", id: "split", checked: split, onchange: (e) => go({ split: e.target.checked }, { replace: true }) }), "side by side"),
    h("label", { class: "check" }, h("input", { type: "checkbox", id: "bookkeeping", checked: view === "full", onchange: (e) => go({ diff: e.target.checked ? "full" : "" }, { replace: true }) }),
      "show bookkeeping (managedFields, resourceVersion, generation, timestamps)"),
    h("span", { class: "spacer" }),
    h("a", { id: "asof", class: "asof", href: "/ui/state?" + KT.query({ cluster: data.cluster, at: asofTime, object, tz: p.get("tz") }) }, "cluster as of here"));
  let diffBox;
  if (comparing) {
    const A = revs[ia - 1];
    const B = revs[ib - 1];
    const d = await api("state/diff", { cluster: data.cluster, object: data.object, from: A.time, to: B.time, diff: view });
    const gone = (side, label) => (side.exists ? null : h("p", { class: "muted" }, "The object did not exist at " + label + "."));
    diffBox = h("section", { class: "diff-pane", id: "diff", "data-compare": ia + "-" + ib },
      h("div", { class: "diff-head" },
        h("b", { id: "cmp-title" }, "#" + ia + " → #" + ib), ": the object after ",
        h("b", {}, "#" + ia + " " + A.verb), " by ", KT.principal(A.user), " at ", KT.time(A.time, true),
        ", compared with after ", h("b", {}, "#" + ib + " " + B.verb), " by ", KT.principal(B.user), " at ", KT.time(B.time, true),
        gone(d.from, "A"), gone(d.to, "B")),
      tools(B.time),
      KT.diff.view(d.diff, split));
  } else {
    diffBox = r
      ? h("section", { class: "diff-pane", id: "diff" },
        h("div", { class: "diff-head" },
          h("b", {}, "#" + (sel + 1) + " " + r.verb), " by ", KT.principal(r.user), " at ", KT.time(r.time, true),
          sel > 0 ? " — compared with #" + sel : " — the first revision stored",
          r.note ? h("p", { class: "muted" }, r.note) : null),
        tools(r.time),
        KT.diff.view(r.diff, split))
      : h("p", {}, "No revisions stored.");
  }

  const path = h("code", { class: "path", id: "path", title: "click to copy", onclick: () => navigator.clipboard && navigator.clipboard.writeText(object) }, data.object);
  KT.fill(app,
    h("h1", {}, path, " ", h("span", { class: "muted" }, "in " + data.cluster)),
    h("p", { class: "muted" }, n + " revision" + (n === 1 ? "" : "s") + (data.revisionsTotal > n ? " of " + data.revisionsTotal : "") +
      ". ↑/↓ move between revisions; no-op marks a write that changed nothing but bookkeeping."),
    strip,
    compareForm,
    h("div", { class: "object-layout" }, list, diffBox),
  );
  const keys = (e) => {
    if (e.target.closest("input, textarea, select")) return;
    if (e.key === "ArrowUp" && sel > 0) { e.preventDefault(); pick(sel - 1); }
    if (e.key === "ArrowDown" && sel < n - 1) { e.preventDefault(); pick(sel + 1); }
  };
  document.addEventListener("keydown", keys);
  KT.onLeave(() => document.removeEventListener("keydown", keys));
  const current = list.querySelector(".selected");
  if (current) current.scrollIntoView({ block: "nearest" });
});

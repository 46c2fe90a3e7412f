// Renders a unified diff (as the API computes it) unified or side by side, with intra-line
// highlights, a separator stating how many lines each gap hides, and hunk navigation ("k / n").
"use strict";
KT.diff = (() => {
  const { h } = KT;

  function parse(text) {
    const hunks = [];
    let cur = null;
    let o = 0;
    let n = 0;
    for (const line of text.split("\n")) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (m) {
        o = Number(m[1]);
        n = Number(m[3]);
        cur = { oldStart: o, oldLen: m[2] === undefined ? 1 : Number(m[2]), newStart: n, lines: [] };
        hunks.push(cur);
      } else if (cur && line.length && " -+".includes(line[0]) && !line.startsWith("--- ") && !line.startsWith("+++ ")) {
        const t = line[0];
        cur.lines.push({ t, text: line.slice(1), o: t === "+" ? null : o++, n: t === "-" ? null : n++ });
      }
    }
    return hunks;
  }

  /** The changed middle of two lines, marked. */
  function marked(a, b) {
    let p = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    let s = 0;
    while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    const part = (x) => [x.slice(0, p), h("mark", {}, x.slice(p, x.length - s)), x.slice(x.length - s)];
    return [part(a), part(b)];
  }

  /** Pairs each run of removed lines with the added run after it, for highlights and columns. */
  function rows(hunk) {
    const out = [];
    const lines = hunk.lines;
    for (let i = 0; i < lines.length;) {
      if (lines[i].t === " ") {
        out.push({ left: lines[i], right: lines[i] });
        i++;
        continue;
      }
      const del = [];
      const add = [];
      while (i < lines.length && lines[i].t === "-") del.push(lines[i++]);
      while (i < lines.length && lines[i].t === "+") add.push(lines[i++]);
      for (let k = 0; k < Math.max(del.length, add.length); k++) out.push({ left: del[k] || null, right: add[k] || null });
    }
    return out;
  }

  function gap(count) {
    return h("div", { class: "gap" }, "⋯ " + count + " unchanged line" + (count === 1 ? "" : "s") + " hidden");
  }

  function num(x) {
    return h("span", { class: "ln" }, x === null || x === undefined ? "" : String(x));
  }

  function unifiedHunk(hunk) {
    const el = [];
    for (const r of rows(hunk)) {
      if (r.left === r.right) {
        el.push(h("div", { class: "dl ctx" }, num(r.left.o), num(r.left.n), h("code", {}, " " + r.left.text)));
        continue;
      }
      const [a, b] = r.left && r.right ? marked(r.left.text, r.right.text) : [[r.left && r.left.text], [r.right && r.right.text]];
      if (r.left) el.push(h("div", { class: "dl del" }, num(r.left.o), num(null), h("code", {}, "-", a)));
      if (r.right) el.push({ add: h("div", { class: "dl add" }, num(null), num(r.right.n), h("code", {}, "+", b)) });
    }
    // Removed lines first, then the added ones, as in a unified diff.
    const dels = [];
    const result = [];
    let adds = [];
    for (const x of el) {
      if (x.add) adds.push(x.add);
      else if (x.classList.contains("del")) dels.push(x);
      else {
        result.push(...dels.splice(0), ...adds);
        adds = [];
        result.push(x);
      }
    }
    result.push(...dels, ...adds);
    return result;
  }

  function splitHunk(hunk) {
    return rows(hunk).map((r) => {
      if (r.left === r.right) {
        return h("div", { class: "sl" }, num(r.left.o), h("code", { class: "ctx" }, r.left.text), num(r.right.n), h("code", { class: "ctx" }, r.right.text));
      }
      const [a, b] = r.left && r.right ? marked(r.left.text, r.right.text) : [[r.left && r.left.text], [r.right && r.right.text]];
      return h("div", { class: "sl" },
        num(r.left && r.left.o), h("code", { class: r.left ? "del" : "none" }, r.left ? a : ""),
        num(r.right && r.right.n), h("code", { class: r.right ? "add" : "none" }, r.right ? b : ""));
    });
  }

  /** The diff's element: a navigation bar and the hunks, unified or split. */
  function view(text, split) {
    const hunks = parse(text || "");
    if (!hunks.length) return h("p", { class: "muted nodiff" }, "No difference shown (bookkeeping only, or nothing).");
    const body = h("div", { class: "diff " + (split ? "side-by-side" : "unified") });
    let end = 1;
    hunks.forEach((hk, i) => {
      if (hk.oldStart - end > 0) body.append(gap(hk.oldStart - end));
      body.append(h("div", { class: "hunk", "data-hunk": String(i + 1) }, split ? splitHunk(hk) : unifiedHunk(hk)));
      end = hk.oldStart + hk.oldLen;
    });
    let at = 0;
    const pos = h("span", { class: "hunk-pos" }, "1 / " + hunks.length);
    const move = (d) => {
      at = (at + d + hunks.length) % hunks.length;
      pos.textContent = at + 1 + " / " + hunks.length;
      const target = body.querySelector('[data-hunk="' + (at + 1) + '"]');
      body.querySelectorAll(".hunk.current").forEach((x) => x.classList.remove("current"));
      target.classList.add("current");
      target.scrollIntoView({ block: "nearest" });
    };
    return h("div", {},
      h("div", { class: "hunk-nav" }, "change ", pos, " ",
        h("button", { class: "link", title: "previous change", onclick: () => move(-1) }, "↑ prev"),
        h("button", { class: "link", title: "next change", onclick: () => move(1) }, "↓ next")),
      body);
  }

  return { view, parse };
})();

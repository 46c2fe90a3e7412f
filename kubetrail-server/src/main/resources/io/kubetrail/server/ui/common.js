// Shared by every page: building elements, the URL as state, API calls, times and principals.
"use strict";
const KT = (() => {
  const API = "/api/v1/";

  /** An element: h("a", {href: "/x", class: "c", onclick: f}, "text", child, ...). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  /** Replaces an element's children, leaving out the absent ones (null, undefined, false). */
  function fill(el, ...children) {
    el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  }

  /** The page's parameters: the URL is the state. */
  function params() {
    return new URLSearchParams(location.search);
  }

  /** Moves to the same page with other parameters (pushing a history entry) and renders it. */
  function go(changes, options) {
    const p = params();
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === null || v === "" || v === false) p.delete(k);
      else p.set(k, v === true ? "1" : v);
    }
    const url = location.pathname + (p.toString() ? "?" + p : "");
    if (options && options.replace) history.replaceState(options.state || {}, "", url);
    else history.pushState(options && options.state ? options.state : {}, "", url);
    KT.render();
  }

  function query(obj) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(obj)) {
      if (v === undefined || v === null || v === "" || v === false) continue;
      if (Array.isArray(v)) v.forEach((x) => p.append(k, x));
      else p.set(k, v === true ? "true" : v);
    }
    return p.toString();
  }

  class ApiError extends Error {
    constructor(status, message, parameter) {
      super(message);
      this.status = status;
      this.parameter = parameter;
    }
  }

  /** GETs (or POSTs a body to) the API; a 401 leads to the login page. */
  async function api(path, q, body) {
    const url = API + path + (q && Object.keys(q).length ? "?" + query(q) : "");
    const init = body === undefined ? {} : { method: "POST", body };
    const r = await fetch(url, Object.assign({ credentials: "same-origin" }, init));
    if (r.status === 401 && !path.startsWith("login")) {
      location.assign("/ui/login?next=" + encodeURIComponent(location.pathname + location.search));
      throw new ApiError(401, "log in first", "");
    }
    const type = r.headers.get("Content-Type") || "";
    const data = type.startsWith("application/json") ? await r.json() : await r.text();
    if (!r.ok) {
      throw new ApiError(r.status, data.message || String(data), data.parameter || "");
    }
    return data;
  }

  function apiUrl(path, q) {
    return API + path + "?" + query(q);
  }

  function showError(e) {
    const box = document.getElementById("error");
    if (!e) {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    box.textContent = (e.parameter ? e.parameter + ": " : "") + (e.message || String(e));
  }

  // Times: UTC unless the URL says tz=local; every <time> has its ISO form and a full tooltip.
  function local() {
    return params().get("tz") === "local";
  }

  function parts(iso) {
    const d = new Date(iso);
    const pad = (n, w) => String(n).padStart(w || 2, "0");
    const u = !local();
    const y = u ? d.getUTCFullYear() : d.getFullYear();
    const mo = (u ? d.getUTCMonth() : d.getMonth()) + 1;
    const da = u ? d.getUTCDate() : d.getDate();
    const hh = u ? d.getUTCHours() : d.getHours();
    const mi = u ? d.getUTCMinutes() : d.getMinutes();
    const ss = u ? d.getUTCSeconds() : d.getSeconds();
    return {
      day: y + "-" + pad(mo) + "-" + pad(da),
      clock: pad(hh) + ":" + pad(mi) + ":" + pad(ss),
      ms: pad(d.getUTCMilliseconds(), 3),
    };
  }

  function time(iso, withDay) {
    const p = parts(iso);
    return h(
      "time",
      { datetime: iso, title: iso + (local() ? " (shown in local time)" : "") },
      (withDay ? p.day + " " : "") + p.clock + (local() ? "" : "Z"),
    );
  }

  function day(iso) {
    return parts(iso).day;
  }

  /** SA, Node, System or User, by the username's prefix, as Kubernetes names them. */
  function principal(user) {
    const kind = user.startsWith("system:serviceaccount:")
      ? "SA"
      : user.startsWith("system:node:")
        ? "Node"
        : user.startsWith("system:")
          ? "System"
          : "User";
    const short = kind === "SA" ? user.slice("system:serviceaccount:".length) : user;
    return h("span", { class: "chip principal p-" + kind.toLowerCase(), title: user },
      h("b", {}, kind), " " + short);
  }

  function verbChip(verb) {
    return h("span", { class: "chip verb v-" + verb }, verb);
  }

  function codeClass(code) {
    return code >= 400 ? "bad" : code >= 300 ? "warn" : "ok";
  }

  /** The signed-in caller, read once per page load. */
  let whoPromise;
  function whoami() {
    if (!whoPromise) whoPromise = api("whoami");
    return whoPromise;
  }

  const pages = {};
  function page(name, render) {
    pages[name] = render;
  }

  // Undone before the next render: timers of live views.
  const leaving = [];
  function onLeave(f) {
    leaving.push(f);
  }

  async function render() {
    const name = location.pathname.replace(/^\/ui\//, "").replace(/\/$/, "") || "timeline";
    document.querySelectorAll("nav a").forEach((a) =>
      a.classList.toggle("active", a.dataset.page === name));
    document.getElementById("tz").value = local() ? "local" : "utc";
    showError(null);
    while (leaving.length) leaving.pop()();
    const app = document.getElementById("app");
    // "loading" until the page has its data: what tests and screen readers wait for.
    app.dataset.state = "loading";
    app.setAttribute("aria-busy", "true");
    try {
      await pages[name](app, params());
    } catch (e) {
      if (e.status !== 401) showError(e);
    } finally {
      app.dataset.state = "ready";
      app.setAttribute("aria-busy", "false");
      // The first render's end, from navigation start: what bench/ui measures.
      if (!performance.getEntriesByName("kubetrail-rendered").length) performance.mark("kubetrail-rendered");
    }
  }

  return {
    h, fill, params, go, query, api, apiUrl, showError, time, day, principal, verbChip, codeClass,
    whoami, page, render, onLeave, ApiError,
  };
})();

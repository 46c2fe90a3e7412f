// Login: a bearer token for a browser session (an HttpOnly cookie the API sets).
"use strict";
KT.page("login", async (app, p) => {
  const { h, api } = KT;
  const token = h("input", { id: "token", type: "password", autocomplete: "current-password", size: "48" });
  const msg = h("p", { class: "invalid", id: "login-error" });
  async function submit(e) {
    e.preventDefault();
    try {
      await api("login", {}, JSON.stringify({ token: token.value }));
      const next = p.get("next") || "/ui/timeline";
      // Only a path of this server: never send the session on to another site.
      location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/ui/timeline");
    } catch (err) {
      msg.textContent = err.message;
    }
  }
  app.replaceChildren(
    h("form", { class: "login", onsubmit: submit },
      h("h1", {}, "Log in to kubetrail"),
      h("label", {}, "Bearer token ", token),
      h("p", { class: "muted" }, "Your token from users.yaml (or your Kubernetes token with --auth kubernetes).",
        " It is exchanged for a session cookie and not stored in the browser."),
      h("button", { type: "submit", id: "login" }, "Log in"),
      msg),
  );
  token.focus();
});

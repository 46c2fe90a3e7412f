// Starts the page: who is signed in, what they may see, and rendering on every URL change.
"use strict";
(() => {
  const { h, api, whoami } = KT;

  async function header() {
    if (location.pathname === "/ui/login") return;
    let me;
    try {
      me = await whoami();
    } catch (e) {
      return;
    }
    const who = document.getElementById("who");
    KT.fill(who,
      h("span", { class: "me", title: "role " + me.role }, me.name + " · " + me.role),
      h("button", {
        class: "link", id: "logout",
        onclick: async () => {
          await fetch("/api/v1/logout", { method: "POST", credentials: "same-origin" });
          location.assign("/ui/login");
        },
      }, "log out"),
    );
    if (me.role === "viewer") {
      const scope = document.getElementById("scope");
      scope.hidden = false;
      KT.fill(scope,
        "You see only namespace" + (me.namespaces.length === 1 ? " " : "s "),
        ...me.namespaces.map((n) => h("b", { class: "ns" }, n)),
        ": every row, count, chart, report and export here is limited to " +
          (me.namespaces.length === 1 ? "it." : "them."),
      );
    }
  }

  document.getElementById("tz").addEventListener("change", (e) =>
    KT.go({ tz: e.target.value === "local" ? "local" : "" }, { replace: true }));
  window.addEventListener("popstate", () => KT.render());
  header();
  KT.render();
})();

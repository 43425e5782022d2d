// incsite serve: reloads the page when the site is rebuilt, and shows build errors over it.
// An external script (no inline code; text goes in through textContent only) so that it works under
// Content-Security-Policy: default-src 'self'.
(function () {
  "use strict";
  var shown = null;
  var build = null;

  function clear() {
    if (shown) {
      shown.remove();
      shown = null;
    }
  }

  function el(tag, text, style) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (style) {
      for (var key in style) node.style[key] = style[key];
    }
    return node;
  }

  function show(errors) {
    clear();
    if (!errors || errors.length === 0) return;
    var box = el("div", null, {
      position: "fixed", left: "0", right: "0", bottom: "0", maxHeight: "60vh", overflow: "auto",
      zIndex: "2147483647", background: "#1d1d1f", color: "#f2f2f2", borderTop: "4px solid #e5484d",
      boxShadow: "0 -6px 24px rgba(0,0,0,.35)", padding: "14px 18px",
      font: "13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
    });
    box.id = "incsite-errors";
    box.setAttribute("role", "alert");
    var head = el("div", null, { display: "flex", justifyContent: "space-between", gap: "1em", marginBottom: "8px" });
    var n = errors.length;
    head.appendChild(el("strong", n + (n === 1 ? " error" : " errors") +
      " in the records: still showing the last good build. Fix and save; the page reloads by itself.",
      { color: "#ff8589" }));
    var close = el("button", "×", {
      background: "transparent", color: "inherit", border: "0", font: "inherit", fontSize: "18px",
      cursor: "pointer", lineHeight: "1"
    });
    close.setAttribute("aria-label", "Hide");
    close.addEventListener("click", clear);
    head.appendChild(close);
    box.appendChild(head);
    var list = el("ol", null, { margin: "0", padding: "0", listStyle: "none" });
    errors.forEach(function (d) {
      var item = el("li", null, { padding: "4px 0", borderTop: "1px solid #333" });
      var where = d.file + ":" + d.line + (d.column ? ":" + d.column : "");
      item.appendChild(el("span", where, { color: "#7cb7ff" }));
      item.appendChild(el("span", "  " + (d.level || "error") + "[" + d.code + "]", { color: "#ff8589" }));
      item.appendChild(el("div", d.message, { whiteSpace: "pre-wrap" }));
      list.appendChild(item);
    });
    box.appendChild(list);
    (document.body || document.documentElement).appendChild(box);
    shown = box;
  }

  function fetchErrors() {
    fetch("/__incsite/errors.json", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(show)
      .catch(function () {});
  }

  if (!window.EventSource) return;
  var source = new EventSource("/__incsite/events");
  source.addEventListener("hello", function (ev) {
    var hello = JSON.parse(ev.data);
    // A different build after a reconnect (the server restarted or we missed an event): reload.
    if (build !== null && hello.build !== build) {
      location.reload();
      return;
    }
    build = hello.build;
    if (hello.errors > 0) fetchErrors(); else clear();
  });
  // The data is the build number, or JSON naming the pages it is `only` for or is not for
  // (`except`): after a save, the saved incident's page is rendered and reloaded first.
  source.addEventListener("reload", function (ev) {
    var scope = null;
    try { scope = JSON.parse(ev.data); } catch (e) { scope = null; }
    if (scope && typeof scope === "object") {
      var here = location.pathname.replace(/index\.html$/, "");
      if (scope.only && scope.only.indexOf(here) < 0) return;
      if (scope.except && scope.except.indexOf(here) >= 0) return;
    }
    location.reload();
  });
  source.addEventListener("errors", function (ev) {
    show(JSON.parse(ev.data));
  });
})();

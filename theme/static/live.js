// incsite: keeps a static page true between builds, by the reader's clock. Served from the site's
// own origin (Content-Security-Policy: default-src 'self'); without it the page reads as built.
//   - <time data-rel datetime="…">: relative times ("12 minutes ago") move on;
//   - [data-window-from][data-window-until]: a maintenance window's status badge moves from
//     Scheduled to In progress to Completed;
//   - <time data-built datetime="…">: a build older than an hour says the page may be out of date.
(function () {
  "use strict";
  var HOUR = 3600;

  // As incsite's own words for relative times (src/render/html/time.rs).
  function amount(abs) {
    if (abs < 3600) return [Math.floor(abs / 60), "minute"];
    if (abs < 86400) return [Math.floor(abs / 3600), "hour"];
    if (abs < 86400 * 14) return [Math.floor(abs / 86400), "day"];
    if (abs < 86400 * 60) return [Math.floor(abs / (86400 * 7)), "week"];
    if (abs < 86400 * 730) return [Math.floor(abs / (86400 * 30)), "month"];
    return [Math.floor(abs / (86400 * 365)), "year"];
  }

  // The page's language: English words as incsite writes them, else the browser's own.
  var LANG = (document.documentElement.getAttribute("lang") || "en").toLowerCase();
  var UNITS = { minute: 60, hour: 3600, day: 86400, week: 604800, month: 2592000, year: 31536000 };

  function relative(deltaS) {
    var abs = Math.abs(deltaS);
    if (LANG.indexOf("en") !== 0 && typeof Intl !== "undefined" && Intl.RelativeTimeFormat) {
      var unit = abs < 60 ? "second" : amount(abs)[1];
      var n = unit === "second" ? 0 : Math.floor(abs / UNITS[unit]);
      return new Intl.RelativeTimeFormat(LANG, { numeric: "auto" }).format(deltaS >= 0 ? n : -n, unit);
    }
    if (abs < 60) return "just now";
    var a = amount(abs);
    var text = a[0] + " " + a[1] + (a[0] === 1 ? "" : "s");
    return deltaS >= 0 ? "in " + text : text + " ago";
  }

  function seconds(el, attr) {
    var t = Date.parse(el.getAttribute(attr));
    return isNaN(t) ? null : Math.round(t / 1000);
  }

  function times(now) {
    var els = document.querySelectorAll("time[data-rel]");
    for (var i = 0; i < els.length; i++) {
      var t = seconds(els[i], "datetime");
      if (t !== null) els[i].textContent = relative(t - now);
    }
  }

  // The phases' words, as the page's language has them (on the footer's build time).
  var built = document.querySelector("time[data-built]");
  var words = ((built && built.getAttribute("data-phases")) || "Scheduled|In progress|Completed").split("|");
  var PHASES = [
    ["scheduled", words[0] || "Scheduled"],
    ["in-progress", words[1] || "In progress"],
    ["completed", words[2] || "Completed"],
  ];

  function windows(now) {
    var els = document.querySelectorAll("[data-window-from][data-window-until]");
    for (var i = 0; i < els.length; i++) {
      var from = seconds(els[i], "data-window-from");
      var until = seconds(els[i], "data-window-until");
      if (from === null || until === null) continue;
      var phase = PHASES[now < from ? 0 : now < until ? 1 : 2];
      var badges = els[i].querySelectorAll(".status-scheduled, .status-in-progress, .status-completed");
      for (var j = 0; j < badges.length; j++) {
        var b = badges[j];
        // Only a window's own progress: a cancelled or completed record keeps its badge.
        if (b.getAttribute("data-built-as") === null) {
          b.setAttribute("data-built-as", b.className);
        }
        if (!/status-(scheduled|in-progress)\b/.test(b.getAttribute("data-built-as"))) continue;
        b.className = b.className.replace(/status-(scheduled|in-progress|completed)\b/, "status-" + phase[0]);
        b.textContent = phase[1];
      }
    }
  }

  function staleness(now) {
    var built = document.querySelector("time[data-built]");
    var main = document.querySelector("main");
    if (!built || !main) return;
    var at = seconds(built, "datetime");
    var note = document.getElementById("incsite-stale");
    if (at === null || now - at <= HOUR) {
      if (note) note.parentNode.removeChild(note);
      return;
    }
    if (!note) {
      note = document.createElement("p");
      note.id = "incsite-stale";
      note.className = "stale-note";
      note.setAttribute("role", "status");
      main.appendChild(note);
    }
    var text = built.getAttribute("data-stale") || "This page may be out of date: it was built {rel}. Reload it for the latest.";
    note.textContent = text.replace("{rel}", relative(at - now));
  }

  function tick() {
    var now = Math.round(Date.now() / 1000);
    times(now);
    windows(now);
    staleness(now);
  }

  tick();
  setInterval(tick, 30000);
})();

// incsite's search: drives the box on the incident history (static/noscript.css hides it
// without JavaScript), loads search/index.json the first time someone types or focuses it, and ranks the records
// as they type. Every field of a record is split into words (letters and digits, lowercased,
// accents folded); each word of the query must be found in some field. A word found whole
// scores the field's weight, a word a query word starts with scores half of it; a query that
// is a record's whole id comes first. Ties keep the index's order: newest first.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) { return; }
  var input = box.querySelector("input");
  var list = box.querySelector("ol");
  var note = box.querySelector("[role=status]");
  var root = box.getAttribute("data-root") || "./";
  var lang = document.documentElement.lang || "en";
  // id, title, summary, services, causes, words (the post-mortem's distinct words).
  var WEIGHTS = [8, 5, 2, 3, 3, 1];
  var LIMIT = 20;
  var docs = null;
  var loading = false;
  var timer = 0;
  var dates = null;
  try { dates = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }); } catch (e) { dates = null; }

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }
  function say(key, n) {
    var text = box.getAttribute("data-" + key) || "";
    note.textContent = text.replace("{n}", String(n));
  }

  function load() {
    if (docs || loading) { return; }
    loading = true;
    say("loading", 0);
    fetch(box.getAttribute("data-index"))
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (index) {
        docs = index.docs.map(function (d) {
          var fields = [];
          for (var f = 0; f !== WEIGHTS.length; f++) { fields.push(words(d[f])); }
          return { raw: d, id: fold(d[0]), fields: fields };
        });
        note.textContent = "";
        search();
      })
      .catch(function () { loading = false; say("failed", 0); });
  }

  function score(doc, terms, whole) {
    var total = doc.id === whole ? 1000 : 0;
    for (var t = 0; t !== terms.length; t++) {
      var term = terms[t];
      var best = 0;
      for (var f = 0; f !== WEIGHTS.length; f++) {
        var toks = doc.fields[f];
        var found = 0;
        for (var i = 0; i !== toks.length && found !== 1; i++) {
          if (toks[i] === term) { found = 1; } else if (found === 0 && toks[i].indexOf(term) === 0) { found = 0.5; }
        }
        best += found * WEIGHTS[f];
      }
      if (best === 0) { return 0; }
      total += best;
    }
    return total;
  }

  function search() {
    var query = input.value;
    var terms = words(query);
    list.textContent = "";
    if (terms.length === 0) { note.textContent = ""; return; }
    if (!docs) { load(); return; }
    var whole = fold(query.trim());
    var hits = [];
    for (var i = 0; i !== docs.length; i++) {
      var s = score(docs[i], terms, whole);
      if (s > 0) { hits.push({ s: s, i: i }); }
    }
    hits.sort(function (a, b) { return b.s - a.s || a.i - b.i; });
    say(hits.length === 0 ? "none" : hits.length === 1 ? "one" : "many", hits.length);
    hits.slice(0, LIMIT).forEach(function (hit) { list.appendChild(row(docs[hit.i].raw)); });
  }

  function row(d) {
    var li = document.createElement("li");
    li.className = "search-hit";
    var a = document.createElement("a");
    a.href = root + "incidents/" + encodeURIComponent(d[0]) + "/";
    a.textContent = d[1];
    li.appendChild(a);
    var meta = document.createElement("span");
    meta.className = "search-meta muted";
    var parts = [d[0]];
    if (d[6]) {
      var when = d[6];
      if (dates) { try { when = dates.format(new Date(d[6] + "T12:00:00Z")); } catch (e) { when = d[6]; } }
      parts.push(when);
    }
    if (d[7] === "maintenance") { parts.push(box.getAttribute("data-maintenance") || "maintenance"); }
    if (d[3]) { parts.push(d[3]); }
    meta.textContent = " " + parts.join(" · ");
    li.appendChild(meta);
    if (d[2]) {
      var p = document.createElement("p");
      p.className = "search-summary";
      p.textContent = d[2];
      li.appendChild(p);
    }
    return li;
  }

  input.addEventListener("focus", load);
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 60);
  });
  if (location.hash === "#search") { input.focus(); }
  if (input.value) { search(); }
})();

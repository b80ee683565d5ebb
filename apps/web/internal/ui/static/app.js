// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";
  // Tell the server our time zone so dates show in local time from the
  // next page on (the sign-in page, usually the first, shows no dates).
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + encodeURIComponent(tz)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* keep UTC */ }

  // Complete/uncomplete in place.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.classList || !form.classList.contains("toggle") || !window.fetch) return;
    ev.preventDefault();
    var li = form.closest(".task");
    var button = form.querySelector("button");
    button.disabled = true;
    fetch(form.action, {
      method: "POST", body: new URLSearchParams(new FormData(form)),
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 401) { location.href = "/signin?next=" + encodeURIComponent(location.pathname + location.search); return null; }
      if (!r.ok) throw new Error("status " + r.status);
      return r.json();
    }).then(function (res) {
      if (!res) return;
      var done = res.task.completed;
      li.classList.toggle("done", done);
      if (done) li.classList.remove("overdue");
      button.setAttribute("aria-pressed", String(done));
      var label = (done ? "Mark “" + res.task.title + "” not done" : "Mark “" + res.task.title + "” done");
      button.setAttribute("aria-label", label);
      if (res.next) { location.reload(); }
    }).catch(function () { form.submit(); })
      .finally(function () { button.disabled = false; });
  });

  // Inline validation: show the browser's message beside the field as you leave it.
  document.addEventListener("blur", function (ev) {
    var el = ev.target;
    if (!el.willValidate || el.type === "submit") return;
    el.setAttribute("aria-invalid", el.checkValidity() ? "false" : "true");
  }, true);

  // Quick add: a preview of what Enter will create, from the server's
  // grammar (GET /quick/preview), and "q" to get there from anywhere.
  var quick = document.getElementById("quick");
  var preview = document.getElementById("quick-preview");
  if (quick && preview && window.fetch) {
    var timer = null, seq = 0;
    var show = function (p) {
      preview.textContent = "";
      if (!quick.value.trim()) return;
      if (p.problem) { preview.textContent = p.problem; preview.className = "quick-preview problem"; return; }
      preview.className = "quick-preview";
      var parts = [["Task", p.title]];
      if (p.due) parts.push(["Due", p.due]);
      if (p.repeat) parts.push(["Repeats", p.repeat]);
      if (p.priority) parts.push(["Priority", p.priority]);
      if (p.tags && p.tags.length) parts.push(["Tags", p.tags.map(function (t) { return "#" + t; }).join(" ")]);
      parts.forEach(function (kv) {
        var s = document.createElement("span");
        var b = document.createElement("b");
        b.textContent = kv[0] + ": ";
        s.appendChild(b);
        s.appendChild(document.createTextNode(kv[1]));
        preview.appendChild(s);
      });
    };
    quick.addEventListener("input", function () {
      clearTimeout(timer);
      var mine = ++seq;
      if (!quick.value.trim()) { preview.textContent = ""; return; }
      timer = setTimeout(function () {
        fetch("/quick/preview?text=" + encodeURIComponent(quick.value), {
          headers: { "Accept": "application/json" }, credentials: "same-origin"
        }).then(function (r) { return r.ok ? r.json() : null; })
          .then(function (p) { if (p && mine === seq) show(p); })
          .catch(function () { /* the form still posts */ });
      }, 150);
    });
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (ev.key === "q" && quick) { ev.preventDefault(); quick.focus(); }
  });

  // Filters apply as they change (the URL still holds the view, so links
  // and the back button work); the Apply button stays for typing.
  document.querySelectorAll("form.filters select, form.filters input[type=checkbox], form.filters input[type=date]").forEach(function (el) {
    el.addEventListener("change", function () {
      var f = el.form;
      if (f.requestSubmit) f.requestSubmit(); else f.submit();
    });
  });
})();

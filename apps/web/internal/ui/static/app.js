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
})();

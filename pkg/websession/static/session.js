// Shared by both frontends: tell the server the browser's time zone (the
// tz cookie, always the browser's own), from the next page on (the sign-in
// page, usually the first, shows no dates). The server decides the
// person's zone from it: a zone chosen in Settings wins, "Automatic"
// follows the browser (websession.FollowZone). Without it, UTC.
(function () {
  "use strict";
  try {
    // Before issue 29 a chosen zone was written over tz and marked with
    // tzfixed; that cookie means nothing now.
    if (document.cookie.split("; ").indexOf("tzfixed=1") !== -1) {
      document.cookie = "tzfixed=; path=/; max-age=0; samesite=lax";
    }
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (tz && document.cookie.indexOf("tz=" + encodeURIComponent(tz)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(tz) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* keep UTC */ }
})();

// Reminders: while a page of the app is open, fired reminders arrive as
// server-sent events (GET /events). The web app shows them as system
// notifications with Done / Snooze buttons when it may (a secure origin —
// https or localhost — a service worker, and permission); otherwise, and
// always in the assistant, as a banner in the page with the same buttons.
(function () {
  "use strict";
  var body = document.body;
  var off = "todo-reminders-off";
  // Settings → Reminders → "in this browser" (and the banner's "Not here")
  // turn them off for this app in this browser.
  var toggle = document.getElementById("reminders-here");
  if (toggle) {
    var stored = null;
    try { stored = localStorage.getItem(off); } catch (e) { /* private mode */ }
    toggle.checked = stored !== "1";
    toggle.disabled = false;
    toggle.addEventListener("change", function () {
      try { if (toggle.checked) { localStorage.removeItem(off); } else { localStorage.setItem(off, "1"); } } catch (e) { /* keep */ }
      location.reload();
    });
  }
  try { if (localStorage.getItem(off) === "1") return; } catch (e) { /* on */ }
  if (!body || !body.getAttribute("data-events") || !window.EventSource) return;
  var csrf = body.getAttribute("data-csrf") || "";
  var system = body.getAttribute("data-notify") === "system" && window.isSecureContext &&
    "Notification" in window && "serviceWorker" in navigator;
  var worker = null;
  if (system) {
    navigator.serviceWorker.register("/sw.js").then(function (r) { worker = r; }, function () { system = false; });
  }
  function post(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(data || {})
    });
  }
  function seen(n) { return post("/notifications/seen", { ids: [n.id] }); }
  function due(n) {
    // An all-day task is due on its date (due_date), the same day
    // wherever the browser is: shown alone, never its due_at (the end of
    // that day in the person's zone) read on this browser's clock.
    var day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(n.due_date || "");
    if (day) {
      return "Due " + new Date(+day[1], +day[2] - 1, +day[3]).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
    }
    if (!n.due_at) return "";
    var d = new Date(n.due_at);
    return "Due " + d.toLocaleString(undefined, { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }
  var area = null;
  function banner(n) {
    if (!area) {
      area = document.createElement("div");
      area.className = "reminder-area";
      area.setAttribute("role", "region");
      area.setAttribute("aria-label", "Reminders");
      body.insertBefore(area, body.firstChild);
    }
    var box = document.createElement("div");
    box.className = "reminder-banner";
    box.setAttribute("role", "alert");
    box.setAttribute("data-reminder", n.id);
    var text = document.createElement("p");
    text.textContent = "⏰ " + n.title + (due(n) ? " — " + due(n) : "") + (n.late ? " (reminder was due while the app was away)" : "");
    box.appendChild(text);
    function act(label, run) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", function () {
        b.disabled = true;
        Promise.resolve(run()).then(function () { return seen(n); }).then(function () { box.remove(); }, function () { b.disabled = false; });
      });
      box.appendChild(b);
    }
    act("Done", function () { return post("/tasks/" + n.task_id + "/done"); });
    act("Snooze 10 min", function () { return post("/tasks/" + n.task_id + "/snooze", { minutes: 10 }); });
    act("Snooze 1 hour", function () { return post("/tasks/" + n.task_id + "/snooze", { minutes: 60 }); });
    act("Dismiss", function () { return null; });
    act("Not in this browser", function () {
      try { localStorage.setItem(off, "1"); } catch (e) { /* keep */ }
      stopped = true;
      stream.close();
    });
    if (system && Notification.permission === "default") {
      act("Notify me outside this page", function () { return Notification.requestPermission(); });
    }
    area.appendChild(box);
  }
  function onReminder(ev) {
    var n;
    try { n = JSON.parse(ev.data); } catch (e) { return; }
    if (n.completed) { seen(n); return; }
    if (system && worker && Notification.permission === "granted") {
      worker.showNotification("⏰ " + n.title, {
        body: due(n), tag: "reminder-" + n.id, requireInteraction: true,
        data: { id: n.id, task_id: n.task_id, csrf: csrf, url: "/tasks#task-" + n.task_id },
        // As many as the browser shows (Chrome: two); a click on the
        // notification itself opens the task.
        actions: [{ action: "done", title: "Done" }, { action: "snooze10", title: "Snooze 10 min" }, { action: "snooze60", title: "Snooze 1 hour" }]
          .slice(0, Notification.maxActions || 3)
      }).then(function () { seen(n); }, function () { banner(n); });
    } else {
      banner(n);
    }
  }
  // The browser reconnects a broken stream by itself, but gives up on one
  // answered with an error (a deploy in progress, a busy moment): ask
  // again a little later (15 s, doubling to 5 min while it keeps failing),
  // unless the stream was closed on purpose.
  var stream = null, stopped = false, wait = 15000;
  function listen() {
    stream = new EventSource(body.getAttribute("data-events"));
    stream.addEventListener("open", function () { wait = 15000; });
    stream.addEventListener("reminder", onReminder);
    stream.addEventListener("signedout", function () { stopped = true; stream.close(); });
    stream.addEventListener("error", function () {
      if (stopped || stream.readyState !== EventSource.CLOSED) return;
      setTimeout(listen, wait);
      wait = Math.min(wait * 2, 300000);
    });
  }
  listen();
})();

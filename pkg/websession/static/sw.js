// The service worker of todo-app's pages: it only acts on the reminder
// notifications the page shows through it — their Done and Snooze buttons
// work even when no page of the app is in front.
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (ev) { ev.waitUntil(self.clients.claim()); });
self.addEventListener("notificationclick", function (ev) {
  var d = ev.notification.data || {};
  ev.notification.close();
  var post = function (url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": d.csrf || "" },
      body: JSON.stringify(body || {})
    });
  };
  if (ev.action === "done") {
    ev.waitUntil(post("/tasks/" + d.task_id + "/done"));
  } else if (ev.action === "snooze10" || ev.action === "snooze60") {
    ev.waitUntil(post("/tasks/" + d.task_id + "/snooze", { minutes: ev.action === "snooze10" ? 10 : 60 }));
  } else {
    ev.waitUntil(self.clients.openWindow(d.url || "/"));
  }
});

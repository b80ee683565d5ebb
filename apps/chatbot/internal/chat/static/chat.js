// The chat works without this file (the form posts and the page reloads);
// with it, answers stream in as they are produced.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form || !window.fetch || !window.TextDecoder) return;
  var box = document.getElementById("message");
  var messages = document.getElementById("messages");
  var end = document.getElementById("end");
  end.scrollIntoView();

  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); form.requestSubmit(); }
  });
  box.addEventListener("input", function () { box.style.height = "auto"; box.style.height = Math.min(box.scrollHeight, 200) + "px"; });
  document.querySelectorAll(".suggestions li").forEach(function (li) {
    li.addEventListener("click", function () { box.value = li.textContent; box.focus(); });
  });

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  function card(c) {
    var d = el("div", "tool-card" + (c.error ? " error-card" : ""));
    d.appendChild(el("span", "action", c.action + ":"));
    d.appendChild(document.createTextNode(" "));
    if (c.url) { var a = el("a", null, c.title); a.href = c.url; d.appendChild(a); } else { d.appendChild(document.createTextNode(c.title)); }
    if (c.detail) d.appendChild(el("span", "detail", " — " + c.detail));
    return d;
  }

  // The changes "undo" can reverse (as the server decides, CanUndo).
  var UNDOABLE = { Deleted: true, Completed: true, Reopened: true, Restored: true, Added: true };
  // offerUndo puts an Undo button under the reply that changed something;
  // it sends "undo" like a typed message. Older buttons go: undo reverses
  // the last change only.
  function sendUndo(ev) {
    ev.preventDefault();
    box.value = "undo";
    if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
  }
  function offerUndo(reply) {
    document.querySelectorAll(".undo-form").forEach(function (f) { f.remove(); });
    var f = el("form", "undo-form"), b = el("button", "link", "Undo");
    b.type = "submit"; f.appendChild(b);
    f.addEventListener("submit", sendUndo);
    reply.appendChild(f);
  }
  document.querySelectorAll(".undo-form").forEach(function (f) { f.addEventListener("submit", sendUndo); });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = box.value.trim();
    if (!text) return;
    var welcome = document.getElementById("welcome");
    if (welcome) welcome.remove();
    var mine = el("div", "msg user"); mine.appendChild(el("div", "bubble", text));
    messages.insertBefore(mine, end);
    var reply = el("div", "msg assistant"), canUndo = false;
    var bubble = el("div", "bubble typing");
    reply.appendChild(bubble);
    messages.insertBefore(reply, end);
    end.scrollIntoView();
    var body = new URLSearchParams(new FormData(form));
    box.value = ""; box.style.height = "auto";
    var button = form.querySelector("button"); button.disabled = true;
    var csrf = form.querySelector('input[name="_csrf"]').value;

    fetch("/chat/stream", { method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRF-Token": csrf } })
      .then(function (res) {
        if (res.status === 401 || res.redirected) { location.href = "/signin"; return; }
        if (!res.ok) {
          return res.json().then(function (j) { throw new Error(j.error && j.error.message || "Something went wrong."); });
        }
        var reader = res.body.getReader(), dec = new TextDecoder(), buf = "";
        function handle(event, data) {
          if (event === "conversation") {
            var field = form.querySelector('input[name="conversation"]');
            if (!field.value) {
              // A new conversation: list it at the top of the sidebar.
              var list = document.getElementById("convs");
              var none = list.querySelector(".none");
              if (none) none.remove();
              list.querySelectorAll(".current").forEach(function (li) { li.classList.remove("current"); });
              var li = el("li", "current"), a = el("a");
              a.href = "/?c=" + data.id;
              a.setAttribute("aria-current", "page");
              a.appendChild(el("span", "t", text.length > 60 ? text.slice(0, 60) + "…" : text));
              a.appendChild(el("time", null, "now"));
              li.appendChild(a);
              list.insertBefore(li, list.firstChild);
            }
            field.value = data.id;
            history.replaceState(null, "", "/?c=" + data.id);
          } else if (event === "text") {
            bubble.classList.remove("typing"); bubble.textContent += data.text;
          } else if (event === "card") {
            reply.insertBefore(card(data.card), bubble);
            if (!data.card.error && data.card.task_id && UNDOABLE[data.card.action]) canUndo = true;
          } else if (event === "error") {
            bubble.classList.remove("typing"); bubble.textContent = data.message;
          }
          end.scrollIntoView();
        }
        function pump() {
          return reader.read().then(function (r) {
            if (r.done) {
              if (canUndo) offerUndo(reply);
              return;
            }
            buf += dec.decode(r.value, { stream: true });
            var parts = buf.split("\n\n"); buf = parts.pop();
            parts.forEach(function (chunk) {
              var event = "message", data = "";
              chunk.split("\n").forEach(function (line) {
                if (line.indexOf("event: ") === 0) event = line.slice(7);
                else if (line.indexOf("data: ") === 0) data += line.slice(6);
              });
              try { handle(event, JSON.parse(data)); } catch (e) { /* ignore a bad frame */ }
            });
            return pump();
          });
        }
        return pump();
      })
      .catch(function (err) { bubble.classList.remove("typing"); bubble.textContent = err.message; })
      .finally(function () { button.disabled = false; box.focus(); });
  });
})();

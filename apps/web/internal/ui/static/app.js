// Progressive enhancement only: every form works without this file.
(function () {
  "use strict";
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
      // A project's tree reloads: completing a parent completes its
      // subtasks, and its progress changes.
      if (res.next || res.removed_next_id || li.classList.contains("tree-task")) { reloadAt(res.task.id); return; }
      if (live) live.textContent = (done ? "Completed “" : "Reopened “") + res.task.title + "”.";
      li.focus();
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
      if (p.project) parts.push(["Project", "^" + p.project]);
      if (p.reminders && p.reminders.length) parts.push(["Reminders", p.reminders.join(", ")]);
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

  // Filters apply as they change (the URL still holds the view, so links
  // and the back button work); the Apply button stays for typing.
  document.querySelectorAll("form.filter-form select, form.filter-form input[type=checkbox], form.filter-form input[type=date]").forEach(function (el) {
    el.addEventListener("change", function () {
      var f = el.form;
      if (f.requestSubmit) f.requestSubmit(); else f.submit();
    });
  });

  // ---- Keyboard and inline edit -----------------------------------------
  // Shortcuts are off while typing in a field; each has a visible control
  // too (the row's check, Edit and Delete, the search box, quick add, and
  // the "Keyboard shortcuts" button). Focus stays on the row acted on.
  var live = document.getElementById("live");
  var announce = function (msg, undo) {
    if (!live) return;
    live.textContent = msg;
    if (undo) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "link"; b.textContent = "Undo";
      b.addEventListener("click", undo);
      live.appendChild(document.createTextNode(" "));
      live.appendChild(b);
    }
  };
  var csrf = function () { var i = document.querySelector("input[name=_csrf]"); return i ? i.value : ""; };
  var post = function (url, data) {
    var body = new URLSearchParams(data || {});
    body.set("_csrf", csrf());
    body.set("next", location.pathname + location.search);
    return fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) {
        if (r.status === 401) { location.href = "/signin?next=" + encodeURIComponent(location.pathname + location.search); throw new Error("signed out"); }
        return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; });
      });
  };
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll("li.task[data-task]")); };
  var rowOf = function (el) { return el && el.closest ? el.closest("li.task[data-task]") : null; };
  var focusRow = function (li) { if (li) { li.focus(); li.scrollIntoView({ block: "nearest" }); } };
  // Reload the page with the row to focus in the hash (a hash change
  // alone does not reload).
  var reloadAt = function (id) {
    if (id) history.replaceState(null, "", location.pathname + location.search + "#task-" + id);
    location.reload();
  };
  if (location.hash.indexOf("#task-") === 0) {
    focusRow(document.getElementById(location.hash.slice(1)));
    // A status box already on the page when it loads is not read by most
    // screen readers: say the message of the move or completion that
    // reloaded it in the live region, a moment after the focus lands.
    var flash = document.querySelector(".flash");
    if (flash) setTimeout(function () { announce(flash.textContent.replace(/\s+/g, " ").trim()); }, 400);
  }

  var deleteRow = function (li) {
    var id = li.getAttribute("data-task"), title = li.getAttribute("data-title");
    var next = rows()[rows().indexOf(li) + 1] || rows()[rows().indexOf(li) - 1];
    post("/tasks/" + id + "/delete").then(function (res) {
      if (!res.ok) throw new Error("status " + res.status);
      li.remove();
      focusRow(next);
      announce("Deleted “" + title + "”.", function () {
        post("/undo").then(function (r) { if (r.ok) reloadAt(r.body.restored); });
      });
    }).catch(function () { location.href = "/tasks/" + id + "/delete"; });
  };

  var editRow = function (li, field) {
    if (li.querySelector("form.inline-edit")) return;
    var id = li.getAttribute("data-task");
    var body = li.querySelector(".body");
    var form = document.createElement("form");
    form.className = "inline-edit";
    form.setAttribute("aria-label", "Edit “" + li.getAttribute("data-title") + "”");
    var add = function (label, name, type, value, extra) {
      var wrap = document.createElement("label");
      wrap.textContent = label;
      var input = document.createElement(type === "select" || type === "reminder" ? "select" : "input");
      if (type === "select") {
        ["low", "medium", "high"].forEach(function (p) {
          var o = document.createElement("option"); o.value = p; o.textContent = p; if (p === value) o.selected = true; input.appendChild(o);
        });
      } else if (type === "reminder") {
        // The choices come from the page (one list, the task form's).
        var tpl = document.getElementById("reminder-options");
        if (tpl) input.appendChild(tpl.content.cloneNode(true));
        if (value === "keep") {
          var k = document.createElement("option"); k.value = "keep"; k.textContent = "Keep the current reminders"; input.insertBefore(k, input.children[1] || null);
        }
        input.value = value || "";
      } else { input.type = type; input.value = value; }
      input.name = name;
      if (extra) extra(input);
      wrap.appendChild(input);
      form.appendChild(wrap);
      return input;
    };
    var inputs = {
      title: add("Title", "title", "text", li.getAttribute("data-title"), function (i) { i.required = true; i.maxLength = 200; }),
      due_date: add("Due date", "due_date", "date", li.getAttribute("data-due-date")),
      due_time: add("Time", "due_time", "time", li.getAttribute("data-due-time")),
      priority: add("Priority", "priority", "select", li.getAttribute("data-priority")),
      tags: add("Tags", "tags", "text", li.getAttribute("data-tags")),
      reminder: add("Reminder", "reminder", "reminder", li.getAttribute("data-reminder"))
    };
    var errors = document.createElement("p");
    errors.className = "field-error"; errors.setAttribute("role", "alert");
    form.appendChild(errors);
    var save = document.createElement("button"); save.type = "submit"; save.textContent = "Save"; save.className = "primary";
    var cancel = document.createElement("button"); cancel.type = "button"; cancel.textContent = "Cancel";
    form.appendChild(save); form.appendChild(cancel);
    body.hidden = true;
    body.parentNode.insertBefore(form, body.nextSibling);
    var done = false;
    var close = function () { done = true; form.remove(); body.hidden = false; focusRow(li); };
    var submit = function () {
      if (done) return;
      done = true;
      var data = {};
      Object.keys(inputs).forEach(function (k) { data[k] = inputs[k].value; });
      post("/tasks/" + id + "/inline", data).then(function (res) {
        if (res.ok) {
          // A row of a project's tree holds its subtasks and moves: the
          // page comes back whole rather than the row alone.
          if (li.classList.contains("tree-task")) { reloadAt(id); return; }
          var holder = document.createElement("ul");
          holder.innerHTML = res.body.html;
          var fresh = holder.firstElementChild;
          li.replaceWith(fresh);
          focusRow(fresh);
          announce("Saved “" + res.body.task.title + "”.");
          return;
        }
        done = false;
        var f = (res.body.error && res.body.error.fields) || {};
        var msgs = Object.keys(f).sort().map(function (k) {
          var name = { due: "Due date", due_at: "Due date" }[k] || (k.charAt(0).toUpperCase() + k.slice(1).replace(/_/g, " "));
          if (inputs[k]) inputs[k].setAttribute("aria-invalid", "true");
          return name + " " + f[k];
        });
        errors.textContent = msgs.join("; ") || (res.body.error && res.body.error.message) || "Not saved.";
        (inputs[Object.keys(f)[0]] || inputs.title).focus();
      }).catch(function () { done = false; errors.textContent = "Not saved: the server could not be reached."; });
    };
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(); });
    cancel.addEventListener("click", close);
    form.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); close(); } });
    // Leaving the editor saves it, as Enter does.
    form.addEventListener("focusout", function (ev) {
      if (!ev.relatedTarget || !form.contains(ev.relatedTarget)) setTimeout(function () { if (!form.contains(document.activeElement) && document.body.contains(form)) submit(); }, 0);
    });
    (inputs[field] || inputs.title).focus();
  };

  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("li.task .edit");
    if (a && window.fetch) { ev.preventDefault(); editRow(rowOf(a), "title"); }
  });

  var dialog = document.getElementById("shortcuts");
  var help = document.getElementById("shortcuts-open");
  if (help && dialog && dialog.showModal) help.addEventListener("click", function () { dialog.showModal(); });

  document.addEventListener("keydown", function (ev) {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (dialog && dialog.open) return;
    var li = rowOf(document.activeElement);
    var all = rows();
    switch (ev.key) {
      case "q":
        if (quick) { ev.preventDefault(); quick.focus(); }
        return;
      case "/":
        var q = document.getElementById("q");
        if (q) { ev.preventDefault(); q.focus(); q.select(); }
        return;
      case "?":
        if (dialog && dialog.showModal) { ev.preventDefault(); dialog.showModal(); }
        return;
      case "j": case "ArrowDown":
        if (!all.length || (ev.key === "ArrowDown" && !li)) return;
        ev.preventDefault();
        focusRow(li ? all[Math.min(all.indexOf(li) + 1, all.length - 1)] : all[0]);
        return;
      case "k": case "ArrowUp":
        if (!all.length || (ev.key === "ArrowUp" && !li)) return;
        ev.preventDefault();
        focusRow(li ? all[Math.max(all.indexOf(li) - 1, 0)] : all[0]);
        return;
    }
    if (!li) return;
    switch (ev.key) {
      case "x":
        ev.preventDefault();
        var form = li.querySelector("form.toggle");
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
        return;
      case "e": ev.preventDefault(); editRow(li, "title"); return;
      case "t": ev.preventDefault(); editRow(li, "tags"); return;
      case "Delete": case "Backspace": ev.preventDefault(); deleteRow(li); return;
    }
  });
})();

// The sidebar's Menu button (phones): it opens and closes the sidebar,
// Escape closes it and gives focus back to the button.
(function () {
  "use strict";
  var button = document.querySelector(".menu-button");
  var bar = document.getElementById("sidebar");
  if (!button || !bar) return;
  var set = function (open) {
    bar.classList.toggle("open", open);
    button.setAttribute("aria-expanded", String(open));
  };
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    set(open);
    if (open) { var a = bar.querySelector("a"); if (a) a.focus(); }
  });
  bar.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && bar.classList.contains("open")) { set(false); button.focus(); }
  });
})();

// Import preview in place: the chosen file stays chosen, so Import can
// follow without picking it again.
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form || !window.fetch || !window.DOMParser) return;
  form.addEventListener("submit", function (ev) {
    var button = ev.submitter;
    if (!button || button.getAttribute("formaction") === null) return;
    ev.preventDefault();
    button.disabled = true;
    fetch(button.formAction, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-report");
        var old = document.getElementById("import-report");
        if (!fresh) throw new Error("no report");
        fresh.querySelectorAll(".reselect").forEach(function (p) { p.textContent = "Nothing is imported yet: press Import to bring it in."; });
        if (old) old.replaceWith(fresh); else form.after(fresh);
        fresh.focus();
      })
      .catch(function () {
        // Never fall back to submitting the form: that would import.
        var note = document.createElement("div");
        note.id = "import-report";
        note.setAttribute("role", "status");
        note.innerHTML = '<p class="error">The preview could not be loaded. Check your connection and press Preview again.</p>';
        var old = document.getElementById("import-report");
        if (old) old.replaceWith(note); else form.after(note);
      })
      .finally(function () { button.disabled = false; });
  });

  // Copy buttons: data-copy names the field whose text they copy.
  document.querySelectorAll("[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var field = document.getElementById(b.getAttribute("data-copy"));
      if (!field) return;
      field.select();
      var done = function () { b.textContent = "Copied"; setTimeout(function () { b.textContent = "Copy"; }, 2000); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy"); done();
      }
    });
  });
})();

// Drag and drop on a project's page, with pointer events (mouse, pen and
// touch alike; the HTML5 drag API does not work with touch): take a row by
// its grip, drop it on the upper or lower edge of another row to go
// before or after it, on its middle to become its subtask, on a section
// to go last in it, on a project in the sidebar to move there. The drop
// submits the same form as the row's Move buttons (POST /tasks/:id/move),
// which work without this file.
(function () {
  "use strict";
  if (!window.PointerEvent || !document.querySelector(".grip")) return;
  var drag = null;
  var marked = [];

  var unmark = function () {
    marked.forEach(function (m) { m.el.classList.remove(m.cls); });
    marked = [];
  };
  var mark = function (el, cls) { el.classList.add(cls); marked.push({ el: el, cls: cls }); };

  // target is what a drop at (x, y) would do: {to: "kind:id", el, cls},
  // or null.
  var target = function (x, y) {
    var el = document.elementFromPoint(x, y);
    if (!el) return null;
    var row = el.closest("li.task[data-task]");
    if (row && drag.li.contains(row)) return null; // itself or its own subtask
    if (row) {
      var body = row.querySelector(":scope > .body");
      var top = row.getBoundingClientRect().top;
      var bottom = body ? body.getBoundingClientRect().bottom : row.getBoundingClientRect().bottom;
      if (y > bottom) return null; // over its tools or subtasks' frame
      var edge = (bottom - top) * 0.3;
      var id = row.getAttribute("data-task");
      if (y < top + edge) return { to: "before:" + id, el: row, cls: "drop-before" };
      if (y > bottom - edge) return { to: "after:" + id, el: row, cls: "drop-after" };
      return { to: "under:" + id, el: row, cls: "drop-into" };
    }
    var zone = el.closest("[data-drop]");
    if (zone) return { to: zone.getAttribute("data-drop"), el: zone, cls: "drop-target" };
    return null;
  };

  var end = function () {
    unmark();
    document.body.classList.remove("dragging");
    if (drag) drag.li.classList.remove("drag-source");
    drag = null;
  };

  var submit = function (id, to) {
    var csrf = document.querySelector("input[name=_csrf]");
    var form = document.createElement("form");
    form.method = "post";
    form.action = "/tasks/" + id + "/move";
    form.hidden = true;
    var add = function (name, value) {
      var i = document.createElement("input");
      i.type = "hidden"; i.name = name; i.value = value;
      form.appendChild(i);
    };
    add("_csrf", csrf ? csrf.value : "");
    add("next", location.pathname + location.search);
    add("to", "drop:" + to);
    document.body.appendChild(form);
    form.submit();
  };

  document.addEventListener("pointerdown", function (ev) {
    var grip = ev.target.closest && ev.target.closest(".grip");
    if (!grip || ev.button !== 0) return;
    var li = grip.closest("li.task[data-task]");
    if (!li) return;
    ev.preventDefault();
    if (grip.setPointerCapture) grip.setPointerCapture(ev.pointerId);
    drag = { li: li, x: ev.clientX, y: ev.clientY, started: false, over: null };
  });

  document.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    // A few pixels first, so a tap on the grip is not a drop.
    if (!drag.started) {
      if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 6) return;
      drag.started = true;
      document.body.classList.add("dragging");
      drag.li.classList.add("drag-source");
    }
    ev.preventDefault();
    unmark();
    drag.over = target(ev.clientX, ev.clientY);
    if (drag.over) mark(drag.over.el, drag.over.cls);
  });

  document.addEventListener("pointerup", function () {
    if (!drag) return;
    var id = drag.li.getAttribute("data-task"), over = drag.started && drag.over;
    end();
    if (over) submit(id, over.to);
  });
  document.addEventListener("pointercancel", end);
  document.addEventListener("keydown", function (ev) { if (drag && ev.key === "Escape") end(); });
})();

// On phones a table is shown as stacked cards (app.css, below 768px): each
// cell is labelled with its column's header here, on load and after every
// htmx swap. A table without a header row keeps scrolling sideways instead.
(function () {
  function label(root) {
    root.querySelectorAll("main table").forEach(function (table) {
      var head = table.tHead && table.tHead.rows[0];
      if (!head) return;
      var names = Array.prototype.map.call(head.cells, function (th) {
        return th.textContent.trim();
      });
      table.classList.add("stacked");
      Array.prototype.forEach.call(table.tBodies, function (body) {
        Array.prototype.forEach.call(body.rows, function (row) {
          Array.prototype.forEach.call(row.cells, function (cell, i) {
            if (names[i] && !cell.hasAttribute("colspan")) cell.dataset.label = names[i];
          });
        });
      });
    });
  }
  // A form shown again with errors: the first field in error takes the focus
  // (the summary at the top of the form lists them all, linked).
  function focusError() {
    var field = document.querySelector("main [aria-invalid=true]");
    if (field) field.focus();
  }
  document.addEventListener("DOMContentLoaded", function () { label(document); focusError(); });
  document.addEventListener("htmx:afterSettle", function () { label(document); });
})();

// The interview timers of the moderator page: each counts down its seconds
// (shown as minutes:seconds) from Start, stops on Pause and at zero, where
// it says time is up; Reset starts over.
(function () {
  function show(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
  }
  function setUp(box) {
    var total = parseInt(box.dataset.seconds, 10), left = total, endAt = null, tick = null;
    var clock = box.querySelector("[data-clock]"), done = box.querySelector("[data-done]");
    function draw() {
      clock.textContent = show(left);
      done.hidden = left > 0;
      box.classList.toggle("over", left === 0);
    }
    function step() {
      left = Math.max(0, Math.ceil((endAt - Date.now()) / 1000));
      draw();
      if (left === 0) { clearInterval(tick); tick = null; }
    }
    box.querySelector("[data-start]").addEventListener("click", function () {
      if (tick || left === 0) return;
      endAt = Date.now() + left * 1000;
      tick = setInterval(step, 250);
    });
    box.querySelector("[data-pause]").addEventListener("click", function () {
      if (!tick) return;
      step();
      clearInterval(tick);
      tick = null;
    });
    box.querySelector("[data-reset]").addEventListener("click", function () {
      clearInterval(tick);
      tick = null;
      left = total;
      draw();
    });
    draw();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-timer]").forEach(setUp);
  });
})();

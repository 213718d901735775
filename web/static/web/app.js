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

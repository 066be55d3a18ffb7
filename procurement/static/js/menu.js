/* Served by the app itself (the Content-Security-Policy forbids inline scripts). Loaded in <head>,
   without defer: the "js" class is set before the first paint, so on a narrow screen the menu is
   folded from the start instead of flashing open. Without JavaScript the menu simply stays open.
   The « Menu » button (aria-expanded) opens and closes it; Escape closes it and gives the focus back
   to the button. Listeners are on the document, so they work whatever the script's position. */
(function () {
  document.documentElement.classList.add("js");

  function toggles() { return document.querySelectorAll(".menu-toggle[aria-controls]"); }

  function setOpen(button, open) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".menu-toggle[aria-controls]");
    if (button) setOpen(button, button.getAttribute("aria-expanded") !== "true");
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    toggles().forEach(function (button) {
      if (button.getAttribute("aria-expanded") !== "true") return;
      setOpen(button, false);
      button.focus();
    });
  });

  /* A wide table scrolls inside its wrapper; when it does, the wrapper takes the keyboard focus (so
     the arrow keys scroll it) and is announced as a region named after the table's caption. */
  function markScrollableTables() {
    document.querySelectorAll(".table-scroll").forEach(function (wrapper) {
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        var caption = wrapper.querySelector("caption");
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", (caption && caption.textContent.trim()) ||
                             document.body.getAttribute("data-table-label") || "Tableau");
      } else {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", markScrollableTables);
  window.addEventListener("resize", markScrollableTables);
})();

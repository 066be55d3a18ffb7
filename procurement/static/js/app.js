/* Served by the app itself: no CDN. Pages work without it; it only adds feedback.
   A form with data-busy="message" shows the message (in its role="status" element, read by screen
   readers, and on its button) while a long action runs, and cannot be sent twice. */
document.addEventListener("submit", function (event) {
  var form = event.target;
  var message = form.getAttribute("data-busy");
  if (!message || event.defaultPrevented) return;
  if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
  form.setAttribute("aria-busy", "true");
  var status = form.querySelector("[data-busy-status]");
  if (status) status.textContent = message;
  var button = event.submitter || form.querySelector("[type=submit]");
  if (button) {
    button.textContent = message;
    window.setTimeout(function () { button.disabled = true; }, 0);
  }
});

// Copy buttons for read-only link fields. Without JavaScript the buttons stay hidden and the
// field itself is the fallback: it selects its whole text on focus, ready to copy by hand.
(function () {
  "use strict";

  function copyField(field) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value);
    }
    // Plain http on a LAN has no clipboard API: select the text and use the old command.
    field.focus();
    field.select();
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  function init() {
    document.querySelectorAll(".link-copy").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
    document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
      var field = document.getElementById(button.getAttribute("data-copy-target"));
      if (!field) { return; }
      var label = button.querySelector("[data-copy-label]");
      var original = label ? label.textContent : "";
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      button.hidden = false;
      button.addEventListener("click", function () {
        copyField(field).then(function () {
          if (label) { label.textContent = button.getAttribute("data-copied"); }
          if (status) { status.textContent = button.getAttribute("data-copied-status"); }
          window.setTimeout(function () { if (label) { label.textContent = original; } }, 3000);
        }, function () {
          field.focus();
          field.select();
        });
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

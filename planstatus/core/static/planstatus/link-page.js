// A body's link page: «Neste som manglar» opens the card it points to and moves the focus
// to it, so a keyboard or screen-reader user lands where the eye does. Without JavaScript
// the link is a plain jump to the card, and the first card still missing is open already.
(function () {
  "use strict";

  function openCard(id) {
    var card = document.getElementById(id);
    if (!card) { return false; }
    var details = card.querySelector("details.report-card__details");
    if (details) { details.open = true; }
    var summary = details ? details.querySelector("summary") : card;
    summary.focus();
    card.scrollIntoView({ block: "start" });
    return true;
  }

  // Delegated: htmx swaps the summary (and its link) in after each save.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-next-missing]") : null;
    if (!link) { return; }
    if (openCard(link.getAttribute("data-next-missing"))) {
      event.preventDefault();
      history.replaceState(null, "", "#" + link.getAttribute("data-next-missing"));
    }
  });

  // Arriving at a card's address (after a save without htmx, or a shared jump) opens it.
  function openFromHash() {
    if (location.hash.indexOf("#tiltak-") === 0) { openCard(location.hash.slice(1)); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", openFromHash);
  } else {
    openFromHash();
  }
})();

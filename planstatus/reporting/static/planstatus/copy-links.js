// Copy buttons for the links the secretariat passes on by hand. Without JavaScript the
// buttons stay hidden and each link is plain text to select and copy.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const text = document.getElementById(button.dataset.copy).textContent.trim();
      const done = button.querySelector("[data-copied]");
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        // No clipboard (an insecure origin, an old browser): select the link instead.
        const range = document.createRange();
        range.selectNodeContents(document.getElementById(button.dataset.copy));
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      }
      if (done) done.hidden = false;
    });
  }
});

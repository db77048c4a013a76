// The sign-in icons of the "Leave a Reply" form post the whole form to the site,
// which keeps the comment typed so far and sends the reader on to sign in. While the
// provider is being reached, say so (the source page's "Connecting to %s").

const form = document.getElementById("commentform");

if (form) {
  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button || !button.dataset.connecting) return;
    const status = button.closest(".sign-in")?.querySelector(".sign-in__status");
    if (status) status.textContent = button.dataset.connecting;
    form.setAttribute("aria-busy", "true");
  });
}

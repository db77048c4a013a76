// A form sent back with errors opens on its summary ("There is a problem"): focus
// moves there, so that a screen reader reads it first and the next Tab reaches its
// links. A link focuses its field with the field's label in view, where the
// browser alone would scroll the label out of sight. Without JavaScript the page
// still opens at the summary (the form's action ends in #error-summary) and its
// links still lead to the fields.

const summary = document.getElementById("error-summary");

if (summary) {
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.hash.slice(1));
    if (!field) return;
    event.preventDefault();
    (field.labels?.[0] ?? field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
}

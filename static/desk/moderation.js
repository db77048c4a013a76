// Moderation at the keyboard, in the queue: j and k move between comments, a
// approves, s marks as spam, r removes, u undoes the last decision, o opens the
// comment, ? lists the keys. A decision (a key, or a click on a row's button) is
// the row's own button's request, sent without leaving the page: the row is drawn
// again as the answer gives it (its new status and buttons) and the next comment
// gets the focus; the bar saying what happened, with Undo, stays in view. Nothing fires while typing
// in a field. Without JavaScript the buttons post and come back, as before.

// The words in the editor's language: the site's catalog (/jsi18n/<code>/), which
// the queue's page loads before this script; English when it is missing.
const gettext = window.gettext ?? ((text) => text);

const table = document.getElementById("result_list");
const form = document.getElementById("changelist-form");

if (table && form) {
  const token = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const rows = [...table.querySelectorAll("tbody tr")];
  const keys = {
    a: "approve",
    s: "spam",
    r: "remove",
  };
  let current = -1;
  let last = null; // the row of the last decision, for u

  // What happened, said to everyone (a live region) with a button to take it back.
  const bar = document.createElement("div");
  bar.className = "keys-bar";
  const said = document.createElement("span");
  said.setAttribute("role", "status");
  said.textContent = gettext("Keyboard: j and k to move, a approve, s spam, r remove, u undo, ? all keys.");
  const undoButton = document.createElement("button");
  undoButton.type = "button";
  undoButton.className = "button";
  undoButton.textContent = gettext("Undo");
  undoButton.hidden = true;
  // Why, for s and r: the action bar's own reason box, copied (s says spam by
  // itself when none is chosen).
  const reasonBox = form.querySelector("select[name=reason]");
  let reasonPicker = null;
  if (reasonBox) {
    const label = document.createElement("label");
    label.className = "keys-reason";
    label.textContent = `${gettext("Reason for s and r")} `;
    reasonPicker = reasonBox.cloneNode(true);
    reasonPicker.removeAttribute("id");
    reasonPicker.name = "keys-reason";
    label.append(reasonPicker);
    bar.append(said, " ", undoButton, label);
  } else {
    bar.append(said, " ", undoButton);
  }
  form.before(bar);

  const help = document.createElement("section");
  help.className = "keys-help";
  help.hidden = true;
  help.setAttribute("aria-label", gettext("Keyboard keys"));
  const heading = document.createElement("h2");
  heading.textContent = gettext("Keys");
  const list = document.createElement("dl");
  for (const [key, what] of [
    ["j / k", gettext("next / previous comment")],
    ["a", gettext("approve")],
    ["s", gettext("mark as spam")],
    ["r", gettext("remove")],
    ["u", gettext("undo the last decision")],
    ["o", gettext("open the comment")],
    ["?", gettext("show or hide these keys")],
  ]) {
    const term = document.createElement("dt");
    term.textContent = key;
    const meaning = document.createElement("dd");
    meaning.textContent = what;
    list.append(term, meaning);
  }
  help.append(heading, list);
  bar.after(help);

  // The status filter's Pending link ("Pending (3)", in the editor's language).
  const pendingLink = [...document.querySelectorAll("#changelist-filter a")].find(
    (link) => new URL(link.href).searchParams.get("status") === "pending",
  );
  const baseTitle = document.title.replace(/^\(\d[\d,+]*\) /, "");
  const showWaiting = (count) => {
    document.title = `(${count.toLocaleString("en")}) ${baseTitle}`;
    if (pendingLink) {
      pendingLink.textContent = pendingLink.textContent.replace(/\([\d,+]*\)\s*$/, `(${count.toLocaleString("en")})`);
    }
  };
  let waiting = pendingLink ? Number(pendingLink.textContent.replace(/[^\d]/g, "")) : null;
  if (waiting !== null) showWaiting(waiting);

  const focusRow = (index) => {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, index));
    for (const row of rows) row.classList.remove("is-current");
    const row = rows[current];
    row.classList.add("is-current");
    row.tabIndex = -1;
    row.focus();
  };

  const urlOf = (row) => row.querySelector("button.quick")?.getAttribute("formaction");

  // The row's comment as the answer draws it now: its status, its buttons.
  const showRow = (row, answer) => {
    const cell = row.querySelector("td.field-excerpt");
    if (cell && answer.row) cell.innerHTML = answer.row;
  };

  const decide = async (row, action) => {
    const url = urlOf(row);
    if (!url) return;
    const body = new FormData();
    body.append("csrfmiddlewaretoken", token);
    body.append("moderate", action);
    const reason = reasonPicker?.value || (action === "spam" ? "spam" : "");
    if (reason && (action === "spam" || action === "remove")) body.append("reason", reason);
    if (action !== "undo") {
      // On to the next comment at once, so keys pressed quickly act on one comment
      // each; the row shows its new status when the answer comes.
      row.classList.add("is-sent");
      const next = rows.findIndex((r, i) => i > rows.indexOf(row) && !r.classList.contains("is-sent"));
      focusRow(next === -1 ? rows.indexOf(row) : next);
    }
    let answer;
    try {
      const response = await fetch(url, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = await response.json();
    } catch {
      row.classList.remove("is-sent");
      said.textContent = gettext("The decision could not be sent. Check the connection and try again.");
      return;
    }
    said.textContent = answer.message;
    bar.classList.add("is-stuck"); // from the first decision on, with its Undo, in view
    if (!answer.done) {
      if (action !== "undo") row.classList.remove("is-sent");
      return;
    }
    const wasPending = row.dataset.status ? row.dataset.status === "pending" : row.querySelector(".status--pending") !== null;
    showRow(row, answer);
    row.dataset.status = answer.status;
    if (waiting !== null) {
      const nowPending = answer.status === "pending";
      if (wasPending && !nowPending) waiting -= 1;
      if (!wasPending && nowPending) waiting += 1;
      showWaiting(Math.max(0, waiting));
    }
    if (action === "undo") {
      row.classList.remove("is-decided", "is-sent");
      undoButton.hidden = true;
      last = null;
      focusRow(rows.indexOf(row));
    } else {
      row.classList.add("is-decided");
      last = row;
      undoButton.hidden = false;
    }
  };

  undoButton.addEventListener("click", () => last && decide(last, "undo"));

  // The rows' own buttons that change a status, clicked: the same, in place. (The
  // others, such as Feature, post and come back.)
  const statusActions = ["approve", "unapprove", "spam", "not_spam", "remove", "restore"];
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button.quick");
    if (!button || !statusActions.includes(button.value)) return;
    event.preventDefault();
    const row = button.closest("tr");
    current = rows.indexOf(row);
    decide(row, button.value);
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const key = event.key;
    if (key === "Escape" && !help.hidden) {
      help.hidden = true;
      return;
    }
    if (!["j", "k", "a", "s", "r", "u", "o", "?"].includes(key)) return;
    event.preventDefault();
    if (key === "?") {
      help.hidden = !help.hidden;
      return;
    }
    if (key === "u") {
      if (last) decide(last, "undo");
      else said.textContent = gettext("Nothing to undo.");
      return;
    }
    if (!rows.length) return;
    if (current === -1) focusRow(0);
    else if (key === "j") return focusRow(current + 1);
    else if (key === "k") return focusRow(current - 1);
    if (key === "j" || key === "k") return;
    const row = rows[current];
    if (key === "o") {
      const link = row.querySelector("a.queue-open");
      if (link) location.href = link.href;
      return;
    }
    decide(row, keys[key]);
  });
}

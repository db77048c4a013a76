// "Reply" without leaving the page: move the form under the comment being
// answered, and back again on "Cancel reply". Without JavaScript the same links
// load ?replytocom=<id>#respond, which renders the form as a reply.

// The page's words in the reader's language: Django's catalog (/jsi18n/<code>/),
// loaded before this script; English when it is missing.
const gettext = window.gettext ?? ((text) => text);
const pgettext = window.pgettext ?? ((context, text) => text);
const ngettext = window.ngettext ?? ((one, many, n) => (n === 1 ? one : many));
const interpolate = window.interpolate ?? ((text, values) => text.replace(/%\((\w+)\)s/g, (_, key) => values[key]));

// What fills %(key)s in a translated sentence: "Ada" from "Reply to Ada".
function filledIn(pattern, text) {
  const [before, after] = pattern.split(/%\(\w+\)s/);
  if (!text.startsWith(before) || !text.endsWith(after)) return text;
  return text.slice(before.length, text.length - after.length);
}

const respond = document.getElementById("respond");

if (respond) {
  const form = respond.querySelector("form");
  const parentInput = form.querySelector("input[name=parent]");
  const replyTo = respond.querySelector(".respond__to");
  const cancel = document.getElementById("cancel-comment-reply-link");
  const home = document.createElement("div");
  home.hidden = true;
  home.dataset.formHome = "";
  respond.before(home);

  const showReply = (link) => {
    // Under the comment itself, before the list of its replies.
    const article = link.closest(".comment > article");
    article.after(respond);
    parentInput.value = new URL(link.href).searchParams.get("replytocom");
    // The name as the link says it ("Reply to Ada"), without the marks beside
    // it (Staff, Editors' pick): the words the form says without JavaScript.
    const name = filledIn(gettext("Reply to %(name)s"), link.getAttribute("aria-label"));
    replyTo.textContent = interpolate(gettext(" to %(name)s"), { name }, true);
    cancel.hidden = false;
    form.querySelector("textarea").focus();
  };

  const cancelReply = () => {
    home.after(respond);
    parentInput.value = "";
    replyTo.textContent = "";
    cancel.hidden = true;
  };

  document.addEventListener("click", (event) => {
    const link = event.target.closest(".comment .reply");
    if (link) {
      event.preventDefault();
      showReply(link);
    } else if (event.target.closest("#cancel-comment-reply-link")) {
      event.preventDefault();
      cancelReply();
      form.querySelector("textarea").focus();
    }
  });
}

// New comments while the page is open: every data-live-every seconds, while the
// page is visible, ask how many comments are approved and which were approved
// last (comments.views.live, cached). The new ones are as many of those as the
// count grew by. Those that belong on this page (a reply in a thread it shows, a
// new thread where new threads land) are offered and shown in place: the comment
// list, its title and picks are replaced by those of the page as it is now, the
// form and what is typed in it stay. One on another page is said to be there, with
// a link to it that takes what the reader is typing along.

const discussion = document.querySelector("#comments[data-live]");

if (discussion) {
  const every = Number(discussion.dataset.liveEvery) * 1000;
  const news = discussion.querySelector(".live-news");
  const draftKey = `draft:${discussion.dataset.live}`;
  const body = document.querySelector("#commentform textarea[name=body]");
  let shown = Number(discussion.dataset.approved);
  let timer = null;
  let here = []; // the new comments' ids that belong on this page
  let elsewhere = []; // those on other pages, the newest first

  // What the reader was typing when they followed a new comment to its page (in
  // this tab only; a browser that keeps no storage keeps nothing).
  const stored = (change) => {
    try {
      return change(sessionStorage);
    } catch {
      return null;
    }
  };
  const draft = stored((storage) => storage.getItem(draftKey));
  stored((storage) => storage.removeItem(draftKey));
  if (draft && body && !body.value) body.value = draft;

  const onThisPage = (id) => document.getElementById(`c-${id}`) !== null;

  // `latest`: [id, parent] of the comments approved last, the newest first.
  const place = (latest, count) => {
    here = [];
    elsewhere = [];
    for (const [id, parent] of latest.slice(0, count).reverse()) {
      const belongs =
        onThisPage(id) ||
        (parent === null
          ? "newThreadsHere" in discussion.dataset
          : onThisPage(parent) || here.includes(parent));
      (belongs ? here : elsewhere).unshift(id);
    }
  };

  const elsewhereLink = () => {
    const link = document.createElement("a");
    link.className = "live-news__elsewhere";
    link.href = `/comments/${elsewhere[0]}/`;
    link.textContent = interpolate(
      ngettext(
        "%(count)s new comment on another page — go to it",
        "%(count)s new comments on other pages — go to the newest",
        elsewhere.length,
      ),
      { count: elsewhere.length },
      true,
    );
    link.addEventListener("click", () => {
      if (body?.value) stored((storage) => storage.setItem(draftKey, body.value));
    });
    return link;
  };

  // What the form needs kept in place; everything else is the listing.
  const kept = (element) =>
    element.matches(".live-news, #respond, .discussion__closed, [data-form-home]");

  const show = async () => {
    // Past the browser's copy, which it may serve stale for a while
    // (stale-while-revalidate): the page as it is now.
    const response = await fetch(location.pathname + location.search, {
      credentials: "same-origin",
      cache: "no-cache",
    });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("comments");
    if (!fresh) return;
    if (document.getElementById("respond")?.closest(".comment-list")) {
      // Replying: the form goes back under the list first, with its text.
      document.getElementById("cancel-comment-reply-link").click();
    }
    for (const element of [...discussion.children]) {
      if (!kept(element)) element.remove();
    }
    const after = discussion.querySelector("[data-form-home], #respond, .discussion__closed");
    let beforeNews = true;
    for (const element of [...fresh.children]) {
      if (element.matches(".live-news")) beforeNews = false;
      if (kept(element)) continue;
      const node = document.importNode(element, true);
      if (beforeNews) news.before(node);
      else if (after) after.before(node);
      else discussion.append(node);
    }
    shown = Number(fresh.dataset.approved);
    // Only the new ones: on a page counted from the newest thread, others move in.
    const expected = new Set(here.map((id) => `c-${id}`));
    const added = [...discussion.querySelectorAll(".comment")].filter((c) => expected.has(c.id));
    // A thread held long and approved now goes among the older ones: elsewhere.
    elsewhere = [...here.filter((id) => !onThisPage(id)), ...elsewhere];
    here = [];
    for (const comment of added) comment.classList.add("comment--new");
    prepareLikes(discussion);
    // The reader's own likes and held comments go back in (reader.js).
    document.dispatchEvent(new Event("comments:replaced"));
    news.replaceChildren();
    if (added.length) {
      news.append(
        interpolate(
          ngettext("Showing %(count)s new comment.", "Showing %(count)s new comments.", added.length),
          { count: added.length },
          true,
        ),
      );
    }
    if (elsewhere.length) news.append(" ", elsewhereLink());
    if (added.length) {
      added[0].tabIndex = -1;
      added[0].focus();
    } else {
      news.querySelector("a")?.focus();
    }
  };

  const offer = () => {
    const offered = [];
    if (here.length) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "live-news__show";
      button.textContent = interpolate(
        ngettext("%(count)s new comment — show", "%(count)s new comments — show", here.length),
        { count: here.length },
        true,
      );
      button.addEventListener("click", show);
      offered.push(button);
    }
    if (elsewhere.length) offered.push(" ", elsewhereLink());
    news.replaceChildren(...offered);
  };

  const poll = async () => {
    timer = null;
    if (document.hidden) return; // asked again when the page is looked at
    try {
      const response = await fetch(discussion.dataset.live, { credentials: "same-origin" });
      if (response.ok) {
        const { approved, latest } = await response.json();
        if (approved > shown) {
          place(latest, approved - shown);
          offer();
        }
      }
    } catch {
      // Offline or the server restarting: ask again next time.
    }
    timer = setTimeout(poll, every);
  };

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && timer === null) poll();
  });
  timer = setTimeout(poll, every);
}

// Comments this browser reported (the report's answer sets the cookie) say so.
const reported = document.cookie.match(/(?:^|; )reported_comments=([\d-]+)/);
for (const id of reported ? reported[1].split("-") : []) {
  const link = document.querySelector(`#c-${id} > article .report`);
  if (link) {
    link.textContent = gettext("Reported");
    link.classList.add("report--done");
    link.setAttribute("aria-label", gettext("You reported this comment"));
  }
}

// The reader's own comments, while they may still change them (the cookie set when
// posting says until when): "Edit" and "Delete" links, gone when time is up, and
// never on one the moderators took out of their hands since (marked "locked"). The
// pages behind them check that the comment is theirs; without JavaScript, the
// message after posting links to them.
const editable = document.cookie.match(/(?:^|; )editable_comments=([\d.-]+)/);
for (const entry of editable ? editable[1].split("-") : []) {
  const [id, until] = entry.split(".").map(Number);
  const article = document.querySelector(`#c-${id}:not(.locked) > article`);
  const left = until * 1000 - Date.now();
  if (!article || left <= 0) continue;
  const actions = document.createElement("span");
  actions.className = "own-actions";
  for (const [label, said, path] of [
    [gettext("Edit"), gettext("Edit your comment"), "edit"],
    [gettext("Delete"), gettext("Delete your comment"), "delete"],
  ]) {
    const link = document.createElement("a");
    link.href = `/comments/${id}/${path}/`;
    link.textContent = label;
    link.setAttribute("aria-label", said);
    actions.append(link);
  }
  article.append(actions);
  setTimeout(() => actions.remove(), left);
}

// The form's stamp, the robot checks' proof that a person had the form in front
// of them for a while: the page every anonymous reader shares holds none (any
// cache may keep it), so it is fetched once, when the reader starts on the form
// or a guest presses Like, and the time a person needs counts from then (most
// readers do neither: their views ask the site nothing, docs/capacity.md). A
// comment sent before it arrives waits for it; sent without one (the fetch
// failed), it is taken as without JavaScript: held unless its author is known.
// reader.js hears whether the browser still has a session ("comments:stamped").
const commentForm = document.getElementById("commentform");
const stampInput = commentForm?.querySelector("input[name=stamp]");
let stamping = null;

function stamped() {
  if (!stampInput || stampInput.value) return Promise.resolve();
  stamping ??= fetch(commentForm.dataset.stamp, { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then(({ stamp, csrf }) => {
      stampInput.value = stamp;
      document.dispatchEvent(new CustomEvent("comments:stamped", { detail: { session: Boolean(csrf) } }));
      // With a session, the token its posts need (not on the shared page), the
      // freshest: reader.js may have put in the one it kept.
      if (csrf) {
        let input = commentForm.querySelector("[name=csrfmiddlewaretoken]");
        if (!input) {
          input = Object.assign(document.createElement("input"), { type: "hidden", name: "csrfmiddlewaretoken" });
          commentForm.prepend(input);
        }
        input.value = csrf;
      }
    })
    .catch(() => {
      stamping = null; // asked again next time
    });
  return stamping;
}

if (stampInput && !stampInput.value) {
  commentForm.addEventListener("focusin", stamped);
  let waited = false;
  commentForm.addEventListener("submit", (event) => {
    // The sign-in and out buttons too: with a session, the stamp brings the token.
    if (stampInput.value || waited) return;
    event.preventDefault();
    waited = true;
    stamped().finally(() => commentForm.requestSubmit(event.submitter));
  });
}

// Likes without leaving the page: each Like link becomes a toggle button that
// sends the like with the comment form's stamp (the robot checks), and its CSRF
// token on a signed-in reader's page, and shows the answer. A stamp is good for
// one like: each answer brings a guest the stamp for their next, a refusal too,
// which is said beside the button (too many likes, a page left open for days).
// The comments a guest likes are marked from their cookie: the page itself is
// the one every reader gets. Without JavaScript, when the discussion is closed
// (no form) or when the site can't be reached, the link opens the like page.
let likeStamp = null;

function likedHere() {
  const cookie = document.cookie.match(/(?:^|; )liked_comments=([\d-]+)/);
  return new Set(cookie ? cookie[1].split("-") : []);
}

function showLike(link, liked, count) {
  link.dataset.liked = liked ? "1" : "0";
  link.textContent = liked ? pgettext("you like this comment", "Liked") : gettext("Like");
  link.setAttribute("aria-pressed", String(liked));
  link.parentElement.querySelector(".like-refused")?.remove();
  const shown = link.nextElementSibling;
  if (count !== undefined && shown?.classList.contains("like-count")) {
    shown.textContent = count ? String(count) : "";
  }
}

function sayRefused(link, error) {
  let said = link.parentElement.querySelector(".like-refused");
  if (!said) {
    said = document.createElement("span");
    said.className = "like-refused";
    said.setAttribute("role", "alert");
    link.parentElement.append(said);
  }
  said.textContent = error;
}

function prepareLikes(root) {
  const mine = likedHere();
  for (const link of root.querySelectorAll("a.like")) {
    const id = link.pathname.split("/")[2];
    link.setAttribute("role", "button");
    // The button says whether it is pressed: its name is the same either way
    // ("Like Ada's comment"; the page names a liked one "You like …").
    if (link.dataset.liked === "1") {
      const whose = filledIn(gettext("You like %(whose)s"), link.getAttribute("aria-label"));
      link.setAttribute("aria-label", interpolate(gettext("Like %(whose)s"), { whose }, true));
    }
    showLike(link, link.dataset.liked === "1" || mine.has(id));
  }
}

prepareLikes(document);

document.addEventListener("click", async (event) => {
  const link = event.target.closest("a.like");
  if (!link || !commentForm) return;
  event.preventDefault();
  // A guest's like needs the stamp; a signed-in reader's only their token, which
  // their page (or what reader.js kept) already holds.
  if (!commentForm.querySelector("[name=csrfmiddlewaretoken]")) await stamped();
  const body = new FormData();
  for (const name of ["csrfmiddlewaretoken", "stamp"]) {
    const input = commentForm.querySelector(`[name=${name}]`);
    if (input) body.append(name, input.value);
  }
  if (likeStamp) body.set("stamp", likeStamp);
  body.append("homepage", "");
  // What the reader saw: a like given elsewhere that this page didn't show is
  // kept, not taken back.
  body.append("liked", link.dataset.liked === "1" ? "0" : "1");
  try {
    const response = await fetch(link.href, {
      method: "POST",
      body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    const { liked, count, stamp, error } = await response.json();
    likeStamp = stamp ?? likeStamp;
    if (!response.ok && !error) throw new Error(String(response.status));
    if (error) sayRefused(link, error);
    else {
      showLike(link, liked, count);
      const id = Number(link.pathname.split("/")[2]);
      document.dispatchEvent(new CustomEvent("comments:liked", { detail: { id, liked } }));
    }
  } catch {
    location.href = link.href; // the like page says what went wrong
  }
});

// A link to a comment on another page of the discussion (#c-12, or #comment-45
// from the WordPress its comments were imported from): the anchor never reaches
// the server, so the page it opened may not hold the comment. Ask where it is.
const anchorFinder = document.querySelector("#comments[data-find-anchor]");
const anchor = decodeURIComponent(location.hash.slice(1));
const findAnchor = () => {
  if (anchorFinder && /^(c|comment)-\d+$/.test(anchor) && !document.getElementById(anchor)) {
    location.replace(`${anchorFinder.dataset.findAnchor}?anchor=${encodeURIComponent(anchor)}`);
  }
};
// On the page every reader shares, the reader's own held comments come in after
// (reader.js): it may be one of theirs.
if (document.querySelector("#comments[data-me]") && document.cookie.includes("reader_version=")) {
  document.addEventListener("reader:filled", findAnchor, { once: true });
} else {
  findAnchor();
}

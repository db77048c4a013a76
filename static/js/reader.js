// The reader's own part of the page every reader shares (docs/api.md, "Signed-in
// readers"). A browser whose script runs says so (the scripted cookie): from then
// on it gets the shared page even signed in, with held comments or a remembered
// name, and this fills in theirs — who is signed in (the form and the account
// links), their likes, their comments awaiting moderation in place — as their own
// page would show them. What it may keep (who they are, on which articles they
// like something or have a comment held, their likes there) is kept in
// localStorage under the reader_version cookie, which the server changes when any
// of it may have changed (newsroom.middleware.reader_version); a like given here
// is kept in place, under the version its answer brings. Most views ask nothing
// (docs/capacity.md, "A million signed-in readers a day"). Without JavaScript
// nothing changes: no cookie, the reader's own page.

const pgettext = window.pgettext ?? ((context, text) => text);
const secure = location.protocol === "https:" ? "; Secure" : "";
const YEAR = 365 * 24 * 3600;
// What another device changed (a like, a new name) shows within 30 days (a Like
// pressed meanwhile says what the reader saw, so it likes: comments.js); what
// this browser changes, at once; a session gone shows when the reader starts to
// write (the stamp's answer, below).
const FRESH_FOR = 30 * 24 * 3600 * 1000;
const currentVersion = () => document.cookie.match(/(?:^|; )reader_version=(\w+)/)?.[1] ?? "";
const version = currentVersion();

const storage = (use) => {
  try {
    return use(localStorage);
  } catch {
    return null; // a browser that keeps nothing asks every time
  }
};

// Staff read their own page (the account behind each comment): once /me says so,
// this browser stops saying its script runs, until it signs in or out again.
const ownPage = storage((s) => s.getItem("reader-own-page"));
if (ownPage && ownPage !== version) storage((s) => s.removeItem("reader-own-page"));
if (!ownPage || ownPage !== version) {
  document.cookie = `scripted=1; path=/; max-age=${YEAR}; SameSite=Lax${secure}`;
}

const discussion = document.querySelector("#comments[data-me]");
const article = discussion && Number(new URL(discussion.dataset.me, location.href).searchParams.get("article"));

// What /me said, kept while the version stands; asked again on an article where the
// reader has comments held (moderators may have decided) or likes not kept yet.
async function mine() {
  let kept = storage((s) => JSON.parse(s.getItem("reader") ?? "null"));
  if (kept?.version !== version || Date.now() - kept.at > FRESH_FOR) kept = null;
  const asks =
    !kept || kept.held_on.includes(article) || (kept.liked_on.includes(article) && !(article in kept.liked));
  if (!asks) return { ...kept, here: kept.liked[article] ?? [], held: [] };
  const response = await fetch(discussion.dataset.me, { credentials: "same-origin" });
  if (!response.ok) return null;
  const me = await response.json();
  return { ...keep(me, article, kept), here: me.liked, held: me.held };
}

function keep(me, on, kept = null) {
  const liked = { ...(kept?.liked ?? {}), [on]: me.liked };
  const { reader, remembered, liked_on, held_on, draft, csrf } = me;
  const keeping = { version, at: Date.now(), reader, remembered, liked_on, held_on, liked, draft, csrf };
  storage((s) => s.setItem("reader", JSON.stringify(keeping)));
  return keeping;
}

// The reader's own page (rendered for them: after signing in, a comment, a
// message) brings what /me would say: their next shared pages need not ask.
const ownPart = document.getElementById("reader-own-part");
if (ownPart && version) {
  const me = JSON.parse(ownPart.textContent);
  keep(me, me.article);
}

// A like given on this page, kept under the version its answer brought: the next
// page needs no /me for it. Only onto what was kept under this page's version.
function keepLike(id, liked) {
  const kept = storage((s) => JSON.parse(s.getItem("reader") ?? "null"));
  if (!kept || kept.version !== version) return;
  if (!(article in kept.liked) && kept.liked_on.includes(article)) return; // not all known
  const here = (kept.liked[article] ?? []).filter((other) => other !== id);
  if (liked) here.push(id);
  kept.liked[article] = here;
  kept.liked_on = kept.liked_on.filter((other) => other !== article);
  if (here.length) kept.liked_on.push(article);
  kept.version = currentVersion();
  storage((s) => s.setItem("reader", JSON.stringify(kept)));
}

// The CSRF token a signed-in reader's posts need: the shared page holds none, the
// form's stamp brings it (comments.views.stamp).
async function token(form) {
  if (form.querySelector("[name=csrfmiddlewaretoken]")) return;
  const stampUrl = document.getElementById("commentform")?.dataset.stamp;
  if (!stampUrl) return;
  const response = await fetch(stampUrl, { credentials: "same-origin" });
  const { csrf } = response.ok ? await response.json() : {};
  if (!csrf) return;
  const input = document.createElement("input");
  input.type = "hidden";
  input.name = "csrfmiddlewaretoken";
  input.value = csrf;
  form.prepend(input);
}

function showAccount(reader, csrf) {
  const nav = document.getElementById("reader-nav");
  const logIn = document.querySelector("[data-log-in]");
  if (nav && logIn) {
    const links = nav.content.cloneNode(true);
    const logOut = links.querySelector("form");
    logOut.addEventListener("submit", async (event) => {
      if (logOut.querySelector("[name=csrfmiddlewaretoken]")) return;
      event.preventDefault();
      await token(logOut).catch(() => {});
      if (logOut.querySelector("[name=csrfmiddlewaretoken]")) logOut.submit();
      else location.href = logOut.action; // allauth's page asks to confirm
    });
    logIn.replaceWith(links);
  }
  const form = document.getElementById("commentform");
  const identity = document.querySelector(`template[data-identity="${CSS.escape(reader.signed_in_with)}"]`);
  if (!identity) return;
  // Their posts' token, kept since signing in (Django renews it then), so a like
  // asks nothing first; the form's stamp brings a fresh one (comments.js).
  if (csrf && !form.querySelector("[name=csrfmiddlewaretoken]")) {
    form.prepend(Object.assign(document.createElement("input"), { type: "hidden", name: "csrfmiddlewaretoken", value: csrf }));
  }
  // The guest's part goes, as on a signed-in reader's own page: hidden, and its
  // fields disabled, so they are neither checked nor sent.
  const remember = form.querySelector("[name=remember]")?.closest(".field");
  for (const part of [
    form.querySelector(".respond__intro"),
    form.querySelector(":scope > .sign-in"),
    form.querySelector(".respond__guest"),
    remember,
  ]) {
    if (!part) continue;
    part.hidden = true;
    for (const field of part.querySelectorAll("input")) field.disabled = true;
  }
  const shown = identity.content.cloneNode(true);
  const avatar = shown.querySelector(".avatar");
  if (reader.avatar_url) {
    const picture = document.createElement("img");
    Object.assign(picture, { className: "avatar", src: reader.avatar_url, alt: "", width: 40, height: 40 });
    avatar.replaceWith(picture);
  } else {
    avatar.className = `avatar c${reader.avatar_colour}`;
    avatar.textContent = reader.avatar_initials;
  }
  // Where the reader's own page has it: after the guest's part, before the notices.
  form.querySelector("[name=notify_comments]").closest(".field").before(shown);
}

function showRemembered(remembered) {
  const form = document.getElementById("commentform");
  for (const name of ["name", "email", "url"]) {
    const input = form?.querySelector(`input[name=${name}]`);
    if (input && !input.value) input.value = remembered[name];
  }
  const remember = form?.querySelector("input[name=remember]");
  if (remember) remember.checked = true;
}

// The comment they were typing when they left to sign in, until it is posted.
function showDraft(draft) {
  const body = document.querySelector("#commentform textarea[name=body]");
  if (draft?.article === article && body && !body.value) body.value = draft.body;
}

function showLiked(ids) {
  for (const id of ids) {
    const link = document.querySelector(`#c-${id} > article a.like`);
    if (!link) continue;
    link.dataset.liked = "1";
    link.textContent = pgettext("you like this comment", "Liked");
    link.setAttribute("aria-pressed", "true");
  }
}

// Where the reader's own page puts a held comment: under its parent (at the
// deepest level, beside it), among its siblings by age; a new thread where new
// threads land on this page, first when the newest come first.
function showHeld(held) {
  const newestFirst = document.querySelector(".comment-sort [aria-current]")?.href.includes("sort=newest");
  for (const comment of held) {
    if (document.getElementById(`c-${comment.id}`)) continue;
    const parent = comment.parent_id && document.getElementById(`c-${comment.parent_id}`);
    let list;
    if (parent) {
      const parentDepth = Number(parent.className.match(/depth-(\d+)/)?.[1] ?? 0);
      list = comment.depth > parentDepth ? parent.querySelector(":scope > ol.children") : parent.parentElement;
      if (!list) {
        list = document.createElement("ol");
        list.className = "children";
        parent.append(list);
      }
    } else if (!comment.parent_id && "newThreadsHere" in discussion.dataset) {
      list = discussion.querySelector(".comment-list");
      if (!list) {
        list = document.createElement("ol");
        list.className = "comment-list";
        discussion.querySelector("[data-form-home], #respond, .discussion__closed")?.before(list);
      }
    } else {
      continue; // on another page of the discussion
    }
    // Escaped and cleaned by the server (comments.rendering); a template runs nothing.
    const markup = document.createElement("template");
    markup.innerHTML = comment.html;
    const item = markup.content.firstElementChild;
    const after = [...list.children].find(
      (sibling) => !newestFirst || parent ? Number(sibling.id.slice(2)) > comment.id : true,
    );
    list.insertBefore(item, after ?? null);
    if (location.hash === `#${item.id}`) item.scrollIntoView();
  }
}

if (discussion && version) {
  mine()
    .then((me) => {
      if (!me) return;
      if (me.reader?.staff) {
        storage((s) => s.setItem("reader-own-page", version));
        // Only once it is remembered: else the next page would say so again.
        if (storage((s) => s.getItem("reader-own-page")) !== version) return;
        document.cookie = `scripted=; path=/; max-age=0; SameSite=Lax${secure}`;
        location.reload();
        return;
      }
      if (me.reader) showAccount(me.reader, me.csrf);
      else if (me.remembered) showRemembered(me.remembered);
      showDraft(me.draft);
      showLiked(me.here);
      showHeld(me.held);
      // New comments shown in place replace the list: theirs go back in.
      document.addEventListener("comments:replaced", () => {
        showLiked(me.here);
        showHeld(me.held);
      });
      document.addEventListener("comments:liked", ({ detail }) => {
        me.here = detail.liked ? [...me.here, detail.id] : me.here.filter((id) => id !== detail.id);
        keepLike(detail.id, detail.liked);
      });
      // Kept as signed in, but the browser has no session (it ended): the page as
      // it now is, before they write as someone they no longer are.
      document.addEventListener("comments:stamped", ({ detail }) => {
        if (!me.reader || detail.session) return;
        storage((s) => s.removeItem("reader"));
        location.reload();
      });
    })
    .catch(() => {}) // the page as every reader gets it
    // comments.js looks for the comment a link names (#c-12) once theirs are in.
    .finally(() => document.dispatchEvent(new Event("reader:filled")));
} else if (discussion) {
  document.dispatchEvent(new Event("reader:filled"));
}

// "Reply" without leaving the page: move the form under the comment being
// answered, and back again on "Cancel reply". Without JavaScript the same links
// load ?replytocom=<id>#respond, which renders the form as a reply.

const respond = document.getElementById("respond");

if (respond) {
  const form = respond.querySelector("form");
  const parentInput = form.querySelector("input[name=parent]");
  const replyTo = respond.querySelector(".respond__to");
  const cancel = document.getElementById("cancel-comment-reply-link");
  const home = document.createElement("div");
  home.hidden = true;
  respond.before(home);

  const showReply = (link) => {
    const comment = link.closest(".comment");
    comment.append(respond);
    parentInput.value = new URL(link.href).searchParams.get("replytocom");
    replyTo.textContent = ` to ${comment.querySelector("header b").textContent}`;
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

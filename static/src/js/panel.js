// The panel's grade forms (maqa/findings/templates/findings/panel_grade_form.html), served at
// /static/js/panel.js and loaded as a module on a child's panel page. Each form posts with htmx
// (hx-post) and the server answers with the domain's form again, as a fragment carrying the
// header X-Panel-Fragment, plus the message for the page's status region (hx-swap-oob).
//
// - 200: saved; 400: an answer does not fit; 409: someone saved first (their grade is shown and
//   saving again replaces it) or the audit no longer takes changes. htmx swaps only 2xx answers
//   by default, so the refusals are let through here: they carry the form with its message.
// - Anything without the header (the sign-in page after the session ended, an error page) is not
//   swapped in: the form stays as it is, so nothing typed is lost, and the message says why.
// Without JavaScript (or without this file) the forms post normally and the page comes back.

// The message goes to the page's status region (for screen readers) and, visibly, at the top
// of the domain's form.
const say = (target, message) => {
  const region = document.getElementById("panel-live");
  if (region) {
    region.textContent = message;
  }
  let shown = target.querySelector("[data-panel-message]");
  if (!shown) {
    shown = document.createElement("p");
    shown.className = "govuk-error-message";
    shown.setAttribute("data-panel-message", "");
    target.prepend(shown);
  }
  shown.textContent = message;
};

document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  const target = detail.target;
  if (!(target instanceof Element) || !target.matches("[data-panel-grade]")) {
    return;
  }
  const xhr = detail.xhr;
  if (xhr.getResponseHeader("X-Panel-Fragment") !== "grade") {
    detail.shouldSwap = false;
    say(
      target,
      "The grade was not saved: you may have been signed out. Copy anything you need to keep, " +
        "then reload the page.",
    );
    return;
  }
  if (xhr.status === 400 || xhr.status === 409) {
    detail.shouldSwap = true;
    detail.isError = false;
  }
});

// No answer at all (offline): keep the form, and say so.
document.addEventListener("htmx:sendError", (event) => {
  const target = event.detail && event.detail.target;
  if (target instanceof Element && target.matches("[data-panel-grade]")) {
    say(target, "The grade was not saved: check your connection, then save again.");
  }
});

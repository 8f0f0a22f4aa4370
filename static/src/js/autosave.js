// Autosave for the return form (maqa/returns/templates/returns/return_detail.html), served at
// /static/js/autosave.js and loaded as a module. The contract of the save endpoint is in
// docs/returns.md.
//
// - A change marks the form dirty. Every data-autosave-seconds (30) seconds, if it is dirty, the
//   form is POSTed (FormData, with its CSRF token and autosave=1) with "X-Requested-With: fetch".
// - 200: the hidden version fields take the new version; the status line says when it was saved.
// - 409 (someone saved since this page was opened) or 403 (the return no longer takes changes):
//   the server's message is shown and autosave stops. Nothing on the page is overwritten, so the
//   person can copy what they wrote.
// - 400 (an answer does not fit): the message is shown; autosave tries again after the next change.
// - No answer from the server (offline): the message is shown and the save is tried again.
// - Nothing is kept in localStorage or sessionStorage, and nothing is sent while the form is
//   untouched, so an idle page does not keep the session alive.

const form = document.querySelector("form[data-autosave]");

if (form) {
  const seconds = Number(form.dataset.autosaveSeconds) || 30;
  const status = document.getElementById("autosave-status");
  const errorPanel = document.getElementById("autosave-error");
  const errorText = errorPanel ? errorPanel.querySelector("[data-autosave-message]") : null;
  let dirty = false;
  let stopped = false;
  let inFlight = null;

  const markDirty = () => {
    dirty = true;
  };
  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);

  // Focus moves to the message only when autosave stops, so a passing problem does not pull
  // the person away from the answer they are typing (role="alert" still announces it).
  const showError = (message, { focus = false } = {}) => {
    if (!errorPanel || !errorText) {
      return;
    }
    errorText.textContent = message;
    errorPanel.hidden = false;
    if (focus) {
      errorPanel.focus();
    }
  };

  const hideError = () => {
    if (errorPanel) {
      errorPanel.hidden = true;
    }
  };

  const setVersion = (version) => {
    // The return form and the "not known" form carry the version the page was opened on.
    for (const input of document.querySelectorAll('input[type="hidden"][name="version"]')) {
      input.value = String(version);
    }
  };

  const timeOf = (iso) => {
    const when = new Date(iso);
    if (Number.isNaN(when.getTime())) {
      return "";
    }
    return when.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
  };

  const save = async () => {
    if (stopped || !dirty || inFlight) {
      return;
    }
    dirty = false; // changes made while this save is in flight mark it dirty again
    const data = new FormData(form);
    data.set("autosave", "1");
    data.delete("next");
    const token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    const headers = { "X-Requested-With": "fetch", Accept: "application/json" };
    if (token) {
      headers["X-CSRFToken"] = token.value;
    }
    inFlight = (async () => {
      let response;
      try {
        response = await fetch(form.action, {
          method: "POST",
          body: data,
          headers,
          credentials: "same-origin",
          cache: "no-store",
        });
      } catch {
        dirty = true;
        showError("Your draft could not be saved: check your connection. It will be tried again.");
        return;
      }
      const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
      if (response.redirected || !isJson) {
        // The session ended (the server sends the sign-in page) or something went wrong.
        stopped = true;
        showError(
          "Your draft could not be saved: you may have been signed out. Copy anything you need " +
            "to keep, then sign in again.",
          { focus: true },
        );
        return;
      }
      const body = await response.json();
      if (response.ok) {
        setVersion(body.version);
        hideError();
        if (status) {
          status.textContent = `Draft saved at ${body.saved_at_label || timeOf(body.saved_at)}`;
        }
        return;
      }
      if (response.status === 400) {
        // An answer does not fit: tried again after the next change.
        showError(body.error || "Your draft could not be saved.");
        return;
      }
      stopped = true; // 409, 403, 404: never try to overwrite
      showError(body.error || "Your draft could not be saved.", { focus: true });
    })();
    try {
      await inFlight;
    } finally {
      inFlight = null;
    }
  };

  const timer = window.setInterval(save, seconds * 1000);

  // A button's save must carry the version an autosave in flight is about to return.
  form.addEventListener("submit", (event) => {
    window.clearInterval(timer);
    if (inFlight) {
      event.preventDefault();
      const submitter = event.submitter;
      inFlight.finally(() => {
        if (!stopped) {
          form.requestSubmit(submitter);
        }
      });
    }
  });
}

// maqa's page script, served at /static/js/app.js (from static/src/js/; Django's
// STATICFILES_DIRS = [static/build, static/src], both at /static/).
// Load it as a module:  <script type="module" src="/static/js/app.js"></script>
//
// The GOV.UK Frontend bundle is copied by scripts/build-static to static/build/govuk/, served at
// /static/govuk/govuk-frontend.min.js. The import path is relative so that it resolves to that
// URL from /static/js/app.js (and from a hashed /static/js/app.<hash>.js after collectstatic)
// whatever STATIC_URL is.
import { initAll, isSupported } from "../govuk/govuk-frontend.min.js";

// GOV.UK Frontend (v5+) only initialises its components, and its CSS only applies the JS-enabled
// styles, when <body> has the class "govuk-frontend-supported". GOV.UK's page template adds it
// with an inline <script>; maqa's Content-Security-Policy (script-src 'self') forbids inline
// scripts, so it is added here instead. Browsers that cannot run ES modules never run this file,
// so they never get the class and keep the no-JS behaviour, as GOV.UK intends.
document.body.classList.add("govuk-frontend-supported");

initAll();

// Content swapped in by htmx: initialise the GOV.UK components (elements with
// data-module="govuk-...") in the new content. htmx fires "htmx:load" on each newly added element
// (and once on <body> at start-up, which initAll above has already covered). When the new element
// is itself a component (an outerHTML swap), search from its parent, and skip the "already
// initialised" errors of the components around it that are already running.
document.addEventListener("htmx:load", (event) => {
  const elt = event.detail && event.detail.elt;
  if (!(elt instanceof Element) || elt === document.body || !isSupported()) {
    return;
  }
  const scope = elt.matches("[data-module]") && elt.parentElement ? elt.parentElement : elt;
  initAll({
    scope,
    onError(error) {
      if (!(error && error.name === "InitError" && /already initialised/.test(error.message))) {
        console.log(error);
      }
    },
  });
});

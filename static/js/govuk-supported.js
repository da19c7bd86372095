// Loaded first in <body> (a static file, so the Content-Security-Policy needs no inline
// script): GOV.UK Frontend styles its components for JavaScript only when these are set.
document.body.className += ' js-enabled' +
  ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '')

// A form sent back with errors: the focus goes to its error summary, so that a screen
// reader reads it first (a static file, not an inline script: a Content-Security-Policy
// without 'unsafe-inline' lets it run).
(function () {
    var summary = document.getElementById("form-errors");
    if (summary) {
        summary.focus();
    }
})();

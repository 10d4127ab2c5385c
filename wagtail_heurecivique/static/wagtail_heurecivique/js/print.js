// The printable evaluation report's "Print" button (a static file, not an onclick
// attribute: a Content-Security-Policy without 'unsafe-inline' lets it run).
(function () {
    document.querySelectorAll(".report__print").forEach(function (button) {
        button.addEventListener("click", function () {
            window.print();
        });
    });
})();

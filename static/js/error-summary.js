// A page whose form came back with errors: move the focus to the error summary at its top, so
// that keyboard and screen-reader users start from the list of what to correct.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("resume-erreurs");
  if (summary) {
    summary.focus();
  }
});

// Progressive enhancement only: every page works without this file.
document.addEventListener("click", function (event) {
  var target = event.target.closest("[data-action='print']");
  if (target) {
    event.preventDefault();
    window.print();
  }
});

// A region that scrolls sideways (a DSFR table or a dashboard chart on a phone) must be
// reachable from the keyboard to be scrolled with the arrow keys (RGAA 7.3, axe's
// scrollable-region-focusable). It takes a tab stop only while it overflows: on a wide screen
// it fits, and the keyboard is not stopped on something that does nothing.
// A table keeps its own role and is named by its caption. A region around it (the newer DSFR
// markup's .fr-table__container) is given the role "region", named by that caption too; any
// other region (a chart's figure) by the words of its data-scroll-region attribute.
(function () {
  var SELECTOR = "[data-scroll-region], .fr-table table, .fr-table__container";
  var counter = 0;

  function name(region) {
    if (region.hasAttribute("data-scroll-region")) {
      region.setAttribute("aria-label", region.getAttribute("data-scroll-region"));
      return;
    }
    var caption = region.querySelector("caption");
    if (caption) {
      caption.id = caption.id || "legende-defilante-" + (counter += 1);
      region.setAttribute("aria-labelledby", caption.id);
    }
  }

  function update() {
    document.querySelectorAll(SELECTOR).forEach(function (region) {
      var named = region.tagName !== "TABLE";
      if (region.scrollWidth > region.clientWidth + 1) {
        region.setAttribute("tabindex", "0");
        if (named) {
          region.setAttribute("role", "region");
          name(region);
        }
      } else if (region.getAttribute("tabindex") === "0") {
        region.removeAttribute("tabindex");
        if (named) {
          region.removeAttribute("role");
          region.removeAttribute("aria-label");
          region.removeAttribute("aria-labelledby");
        }
      }
    });
  }
  // A chart over time opens on its recent end (the months that matter), not on its oldest.
  function showRecentEnd() {
    document.querySelectorAll("[data-scroll-end]").forEach(function (region) {
      region.scrollLeft = region.scrollWidth;
    });
  }
  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("DOMContentLoaded", showRecentEnd);
  window.addEventListener("resize", update);
})();

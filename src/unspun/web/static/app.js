/* unspun: select a traced sentence to show its source; pick out a signal's evidence.
   No framework, no inline script (the Content-Security-Policy forbids it). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function showSentence(sentence) {
    var detailId = sentence.getAttribute("data-detail");
    var open = sentence.getAttribute("aria-expanded") === "true";
    document.querySelectorAll(".sent[data-detail]").forEach(function (s) {
      s.setAttribute("aria-expanded", "false");
    });
    document.querySelectorAll(".detail").forEach(function (d) {
      d.classList.remove("open");
    });
    var detail = document.getElementById(detailId);
    var aside = document.querySelector(".details");
    var show = !open && detail !== null;
    if (aside) { aside.classList.toggle("has-open", show); }
    if (!show) { return; }
    sentence.setAttribute("aria-expanded", "true");
    detail.classList.add("open");
    if (window.matchMedia("(max-width: 60rem)").matches) {
      detail.scrollIntoView({ block: "nearest" });
    }
  }

  function toggleSignal(button) {
    var number = button.getAttribute("data-signal");
    var pressed = button.getAttribute("aria-pressed") !== "true";
    document.querySelectorAll("button.sig").forEach(function (b) {
      b.setAttribute("aria-pressed", "false");
    });
    document.querySelectorAll("mark.ev").forEach(function (mark) {
      var signals = (mark.getAttribute("data-signals") || "").split(" ");
      mark.classList.toggle("focus", pressed && signals.indexOf(number) !== -1);
    });
    button.setAttribute("aria-pressed", pressed ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var sentence = target.closest(".sent[data-detail]");
    if (sentence) { showSentence(sentence); return; }
    var signal = target.closest("button.sig");
    if (signal) { toggleSignal(signal); }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target || (event.key !== "Enter" && event.key !== " ")) { return; }
    if (target.matches(".sent[data-detail]")) {
      event.preventDefault();
      showSentence(target);
    }
  });

  document.querySelectorAll("form.analyse").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.classList.add("busy");
      form.setAttribute("aria-busy", "true");
      var status = form.querySelector(".status");
      if (status) { status.textContent = "Working…"; }
    });
  });
})();

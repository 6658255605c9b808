// The evaluators' page: an observation form per objective (the time is the run's when it is recorded).
"use strict";
(function () {
  const offline = document.getElementById("offline");
  function show(s) {
    offline.hidden = true;
    document.getElementById("clock").textContent = s.clock;
    const ul = document.getElementById("observations");
    ul.replaceChildren();
    s.observations.forEach(function (o) {
      ul.appendChild(el("li", {"data-objective": o.objective}, o.clock + " " + (o.cell || T.every_cell) + " · " + o.label + " · " + T[o.rating] + ": " + o.note));
    });
  }
  document.querySelectorAll("form.observation").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      const data = new FormData(form);
      send("/api/observe", {
        objective: form.dataset.objective, cell: data.get("cell") || null, rating: data.get("rating"), note: data.get("note"),
      }).then(function (s) { form.reset(); show(s); }).catch(function (err) { offline.textContent = err.message; offline.hidden = false; });
    });
  });
  function poll() {
    fetch("/api/evaluator/state").then(function (r) { return r.json(); }).then(show)
      .catch(function () { offline.hidden = false; }).finally(function () { setTimeout(poll, 2000); });
  }
  poll();
})();

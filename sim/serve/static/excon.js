// Exercise control on the facilitator's view: fire an MSEL inject now, later or never; a free-text inject to
// one cell or every cell; hold a cell's clock-driven decisions; what the projector shows; the improvement plan.
"use strict";
(function () {
  const planBody = document.querySelector("#plan tbody");
  let planShown = false;

  function control(action, body) {
    return send("/api/control/" + action, body).then(refresh).catch(function (e) { alert(e.message); });
  }

  function planRow(r) {
    const tr = el("tr", {"class": "plan-row"});
    ["issue", "action", "cell", "date"].forEach(function (k) {
      const td = el("td");
      const input = el("input", {"data-key": k, "size": k === "issue" || k === "action" ? "30" : "10"});
      input.value = (r && r[k]) || "";
      td.appendChild(input);
      tr.appendChild(td);
    });
    planBody.appendChild(tr);
  }

  function show(state) {
    const x = state.excon;
    if (!x) return;
    const select = document.getElementById("fire-inject");
    const chosen = select.value;
    select.replaceChildren();
    x.injects.forEach(function (i) { select.appendChild(el("option", {"value": i.id}, i.label + " (" + i.id + ")")); });
    if (chosen) select.value = chosen;
    x.cells.forEach(function (c) {
      const box = document.querySelector('.hold-cell[data-cell="' + c.id + '"]');
      if (box && document.activeElement !== box) box.checked = c.held;
    });
    document.querySelectorAll('input[name="view"]').forEach(function (r) { r.checked = r.value === state.view; });
    if (!planShown) {
      planShown = true;
      planBody.replaceChildren();
      (x.plan || []).forEach(planRow);
    }
  }

  function refresh() {
    return fetch("/api/state").then(function (r) { return r.json(); }).then(show);
  }

  document.getElementById("fire-form").addEventListener("submit", function (e) {
    e.preventDefault();
    control("fire_inject", {
      id: document.getElementById("fire-inject").value,
      when: document.getElementById("fire-when").value,
      minutes: Number(document.getElementById("fire-minutes").value),
    });
  });
  document.getElementById("message-form").addEventListener("submit", function (e) {
    e.preventDefault();
    const text = document.getElementById("message-text");
    control("message", {text: text.value, to: document.getElementById("message-to").value || null}).then(function () { text.value = ""; });
  });
  document.querySelectorAll(".hold-cell").forEach(function (box) {
    box.addEventListener("change", function () { control("hold_cell", {cell: box.dataset.cell, held: box.checked}); });
  });
  document.querySelectorAll('input[name="view"]').forEach(function (r) {
    r.addEventListener("change", function () { control("projector_view", {view: r.value}); });
  });
  document.getElementById("plan-add").addEventListener("click", function () { planRow(null); });
  document.getElementById("plan-save").addEventListener("click", function () {
    const rows = Array.from(planBody.querySelectorAll("tr")).map(function (tr) {
      const r = {};
      tr.querySelectorAll("input").forEach(function (i) { r[i.dataset.key] = i.value; });
      return r;
    });
    control("plan", {rows: rows});
  });
  refresh();
  setInterval(refresh, 2000);
})();

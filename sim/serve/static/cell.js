// A cell's page: its units as reported to it, its decision when one is due, requests it may make, those
// awaiting its answer, its requests' answers and control's messages to it. It asks the server every second.
"use strict";
(function () {
  const offline = document.getElementById("offline");

  function list(id, items, make) {
    const ul = document.getElementById(id);
    ul.replaceChildren();
    if (!items.length) ul.appendChild(el("li", {"class": "dim"}, T.none_yet));
    items.forEach(function (x) { ul.appendChild(make(x)); });
  }

  function act(action, body, button) {
    if (button) button.disabled = true;  // until the state comes back: one click, one request
    send("/api/cell/" + action, body).then(show).catch(function (e) {
      if (button) button.disabled = false;
      offline.textContent = e.message; offline.hidden = false;
    });
  }

  function show(s) {
    offline.hidden = true;
    document.getElementById("clock").textContent = s.clock;
    const body = document.querySelector("#units tbody");
    body.replaceChildren();
    (s.units || []).forEach(function (u) {
      const row = el("tr", {"data-unit": u.id});
      [u.label, u.where, number(u.strength), number(u.killed), number(u.wounded), u.as_of].forEach(function (v) {
        row.appendChild(el("td", {}, v));
      });
      body.appendChild(row);
    });
    const d = s.decision;
    document.getElementById("decision").hidden = !d;
    const opts = document.getElementById("decision-options");
    opts.replaceChildren();
    if (d) {
      document.getElementById("decision-question").textContent = d.question;
      d.options.forEach(function (o) {
        const b = el("button", {"data-option": o.name}, o.label);
        b.onclick = function () { act("choose", {option: o.name}); };
        opts.appendChild(b);
      });
    }
    document.getElementById("awaiting-panel").hidden = !(s.awaiting || []).length;
    list("awaiting", s.awaiting || [], function (a) {
      const li = el("li", {"data-request": a.id}, a.from + ": " + a.label + " ");
      const yes = el("button", {"class": "grant"}, T.grant);
      const no = el("button", {"class": "decline"}, T.decline);
      yes.onclick = function () { act("answer", {n: a.n, answer: "grant"}); };
      no.onclick = function () { act("answer", {n: a.n, answer: "decline"}); };
      li.append(yes, " ", no);
      return li;
    });
    list("may-ask", s.may_ask || [], function (r) {
      const li = el("li", {"data-request": r.id}, r.label + " → " + r.to + " ");
      const b = el("button", {"class": "ask"}, T.ask);
      b.disabled = !!r.in_flight;  // one on its way already: wait for its answer
      b.onclick = function () { act("request", {id: r.id}, b); };
      li.appendChild(b);
      return li;
    });
    list("requests", s.requests || [], function (r) {
      return el("li", {"data-request": r.id}, r.sent + " " + r.label + " (" + r.from + " → " + r.to + "): " + T[r.state]);
    });
    list("messages", s.messages || [], function (m) { return el("li", {"class": "message"}, m.clock + " " + m.text); });
  }

  function poll() {
    fetch("/api/cell/state").then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    }).then(show).catch(function () { offline.hidden = false; }).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();

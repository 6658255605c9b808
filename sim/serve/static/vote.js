// A phone follows the exercise: the situation in two lines and the latest inject, the open vote (the
// participant's choice marked), once it closes its result and their own choice, and at the end that the
// run has ended, how the class's objectives came out and where the run landed among the simulated runs.
"use strict";
(function () {
  const map = MapView(document.getElementById("map"));
  const ballot = document.getElementById("ballot");
  const waiting = document.getElementById("waiting");
  const options = document.getElementById("options");
  const note = document.getElementById("ballot-note");

  function situation(state) {
    document.getElementById("situation-forces").textContent = state.forces.map(function (f) {
      return f.label + " " + number(f.strength) + "/" + number(f.initial);
    }).join(" · ");
    const counts = {};  // an objective not applicable (only_if: its option not taken) is neither counted nor named
    state.objectives.forEach(function (o) { counts[o.state] = (counts[o.state] || 0) + 1; });
    document.getElementById("situation-objectives").textContent = T.objectives + ": " +
      ["met", "at_risk", "open", "missed"].filter(function (k) { return counts[k]; }).map(function (k) {
        return (T[k] || k) + " " + number(counts[k]);
      }).join(", ");
    const inject = document.getElementById("last-inject");
    inject.hidden = !state.inject || state.finished;
    if (state.inject) {
      document.getElementById("inject-clock").textContent = state.inject.clock;
      document.getElementById("inject-text").textContent = state.inject.message;
    }
  }

  function result(shown) {
    const panel = document.getElementById("result-panel");
    panel.hidden = !shown;
    if (!shown) return;
    document.getElementById("result-question").textContent = shown.question;
    optionRows(document.querySelector("#result-table tbody"), shown.options, true, shown.winner, null);
    document.getElementById("result").textContent = said(shown);
    const mine = shown.options.find(function (o) { return o.name === shown.mine; });
    document.getElementById("mine").textContent = shown.mine ? T.you_voted.replace("{option}", mine ? mine.short : shown.mine) : T.you_did_not_vote;
  }

  function end(state) {
    const box = document.getElementById("end");
    box.hidden = !state.finished;
    if (!state.finished) return;
    // the class's outcome in one line (each objective's, with where it landed, is in the list below)
    document.getElementById("outcome").textContent = document.getElementById("situation-objectives").textContent;
    document.getElementById("end-placing").textContent = state.placing ?
      T.placing.replace("{n}", number(state.placing[1])) + " " + number(state.placing[0]) + " / " + number(state.placing[1]) :
      state.unplaced ? T.unplaced.replace("{reason}", state.unplaced) : "";
    const list = document.getElementById("end-landed");
    list.replaceChildren();
    (state.landed || []).forEach(function (line) { list.appendChild(el("li", {}, line)); });
  }

  let seen = -1;
  function show(state) {  // the vote's answer can arrive after a newer pushed state: the older is not drawn
    if (state.version < seen) return;
    seen = state.version;
    document.getElementById("clock").textContent = state.clock;
    situation(state);
    const v = state.vote;
    ballot.hidden = !v;
    waiting.hidden = !!v || !!state.shown || state.finished;
    result(v || state.finished ? null : state.shown);  // at the end, the end
    end(state);
    map.units(state.units);
    if (!v) return;
    document.getElementById("question").textContent = v.question;
    options.replaceChildren();
    v.options.forEach(function (o) {
      const b = el("button", {"class": "option" + (v.mine === o.name ? " mine" : ""), "data-option": o.name});
      b.append(document.createTextNode(o.label));
      b.disabled = !v.open;
      b.addEventListener("click", async function () {
        try { show(await send("/api/vote", {option: o.name})); } catch (err) { note.textContent = err.message; }
      });
      options.appendChild(b);
    });
    note.textContent = v.open ? T.change_vote : T.vote_closed;
  }
  live("/ws/vote", function (m) { show(Object.assign(m.state, {version: m.version})); });
})();

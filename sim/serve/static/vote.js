// The vote page on a phone: the open decision's options as buttons; the participant's choice is marked.
"use strict";
(function () {
  const ballot = document.getElementById("ballot");
  const waiting = document.getElementById("waiting");
  const options = document.getElementById("options");
  const note = document.getElementById("ballot-note");
  const result = document.getElementById("result");
  function show(state) {
    document.getElementById("clock").textContent = state.clock;
    const v = state.vote;
    ballot.hidden = !v;
    waiting.hidden = !!v;
    result.hidden = !!v || !state.result;  // the last vote's result (a tie says how it was broken)
    result.textContent = state.result || "";
    if (!v) return;
    document.getElementById("question").textContent = v.question;
    options.replaceChildren();
    v.options.forEach(function (o) {
      const b = el("button", {"class": "option" + (v.mine === o.name ? " mine" : ""), "data-option": o.name});
      b.append(el("strong", {}, o.name), document.createTextNode(o.label === o.name ? "" : o.label));
      b.disabled = !v.open;
      b.addEventListener("click", async function () {
        try { show(await send("/api/vote", {option: o.name})); } catch (err) { note.textContent = err.message; }
      });
      options.appendChild(b);
    });
    note.textContent = v.open ? T.change_vote : T.vote_closed;
  }
  live("/ws/vote", function (m) { show(m.state); });
})();

// The facilitator's view (not projected): the controls (start, pause, step, speed), the inject to
// acknowledge, the vote to open, count, close or decide over, the result to continue from, the overrides,
// the full status, the MSEL with what each item tests and the controller's notes, and the whole story.
"use strict";
(function () {
  let state = null;
  const msel = JSON.parse(document.getElementById("msel-data").textContent);
  const notes = {};
  msel.forEach(function (m) { notes[m.id] = m.note; });

  function act(action, body) {
    return send("/api/control/" + action, body).then(draw, function (err) {
      document.getElementById("run-state").textContent = err.message;
    });
  }

  function table(rows, cls) {
    const t = el("table", {"class": cls});
    rows.forEach(function (cells) {
      const tr = el("tr");
      cells.forEach(function (c, i) { tr.appendChild(el("td", i ? {"class": "num"} : {}, String(c))); });
      t.appendChild(tr);
    });
    return t;
  }

  function drawStatus(st) {
    const box = document.getElementById("status");
    box.replaceChildren();
    box.appendChild(el("h3", {}, T.strength));
    box.appendChild(table(st.forces.map(function (f) {
      return [f.label, number(f.strength) + " / " + number(f.initial),
              T.killed + " " + number(f.killed) + ", " + T.wounded + " " + number(f.wounded)];
    }), "forces"));
    if (st.stocks.length) {
      box.appendChild(el("h3", {}, T.stocks));
      box.appendChild(table(st.stocks.map(function (s) {
        return [s.depot + " · " + (T.supply[s.supply] || s.supply), number(s.level) + " " + (T.measure[s.unit] || s.unit)];
      }), "stocks"));
    }
    const c = st.casualties;
    if (c) {
      box.appendChild(el("h3", {}, T.casualties + ": " + number(c.total)));
      box.appendChild(table([[T.in_care, number(c.in_care)], [T.returned_to_duty, number(c.returned_to_duty)],
                             [T.evacuated, number(c.evacuated)], [T.died_of_wounds, number(c.died_of_wounds)]].concat(
        c.stages.map(function (s) { return [s.facility, T.waiting_for_team + " " + number(s.waiting) + ", " + T.beds_used + " " + number(s.beds_used)]; })
      ), "casualties"));
    }
    box.appendChild(el("h3", {}, T.objectives));
    box.appendChild(table(st.objectives.map(function (o) { return [o.label, T[o.state] || o.state]; }), "objectives"));
    box.querySelectorAll("table.objectives tr").forEach(function (tr, i) { tr.className = "state-" + st.objectives[i].state; });
  }

  function drawOverrides(list) {
    const choice = document.getElementById("override-choice");
    const before = choice.value;
    choice.replaceChildren();
    list.forEach(function (o, i) { choice.appendChild(el("option", {"value": String(i)}, o.label)); });
    if (before && Number(before) < list.length) choice.value = before;
    document.getElementById("override-form").hidden = !list.length;
    document.getElementById("override-none").hidden = !!list.length;
  }

  function drawPause(s) {
    const p = s.pending;
    document.getElementById("pause-panel").hidden = !p;
    document.getElementById("inject-panel").hidden = !p || p.kind !== "inject";
    document.getElementById("decision-panel").hidden = !p || p.kind !== "decision";
    if (!p || p.kind !== "inject") document.getElementById("inject-message").textContent = "";
    if (!p) return;
    if (p.kind === "inject") {
      document.getElementById("inject-message").textContent = p.message;
      document.getElementById("inject-note").textContent = notes[p.id] || "";
      return;
    }
    document.getElementById("decision-question").textContent = p.question;
    document.getElementById("decision-note").textContent = notes[p.id] || "";
    const v = s.vote;
    optionRows(document.querySelector("#vote-table tbody"), v ? v.options : p.options, !!v, null, p["default"]);
    const decide = document.getElementById("decide");
    decide.replaceChildren();
    p.options.forEach(function (o) {
      const b = el("button", {"data-choose": o.name}, o.name);
      b.addEventListener("click", function () { act("choose", {option: o.name}); });
      decide.appendChild(b);
    });
    const open = !!(v && v.open);
    document.getElementById("open-vote").hidden = open;
    document.getElementById("close-vote").hidden = !open;
    const show = document.getElementById("show-count");
    show.hidden = !open;
    show.textContent = s.reveal ? T.hide_count : T.show_count;
    document.getElementById("vote-state").textContent = open ? T.vote_open + " · " + T.votes + ": " + number(v.ballots) : "";
  }

  // Both the socket and an action's answer bring states: an answer that arrives after a newer state (the run
  // moved on while it travelled) is older than what is shown, and drawing it would hide the newer pause.
  function draw(s) {
    if (state && s.version < state.version) return;
    state = s;
    document.getElementById("clock").textContent = s.clock;
    document.getElementById("participants").textContent = number(s.participants);
    document.getElementById("run-state").textContent = s.error ? s.error :
      s.finished ? T.ended + (s.saved ? " " + T.saved + " " + s.saved : "") :
      s.pending ? (s.pending.kind === "decision" ? T.held_decision : T.held_inject) :
      s.shown ? T.held_result : (s.running ? T.running : T.paused);
    document.getElementById("run-toggle").textContent = s.running ? T.pause : (s.now > 0 ? T.resume : T.start);
    document.getElementById("run-toggle").disabled = s.finished;
    document.getElementById("step").disabled = s.finished || !!s.pending;
    const speed = document.getElementById("speed");
    if (document.activeElement !== speed) speed.value = String(s.speed);
    drawStatus(s.status);
    drawOverrides(s.finished ? [] : s.overrides);
    drawPause(s);
    document.getElementById("result-panel").hidden = !s.shown;
    document.getElementById("vote-result").textContent = s.shown ? said(s.shown) : "";
    document.getElementById("landed-panel").hidden = !(s.placing || s.landed || s.unplaced);
    document.getElementById("placing").textContent = s.placing ?
      T.placing.replace("{n}", number(s.placing[1])) + " " + number(s.placing[0]) + " / " + number(s.placing[1]) :
      s.unplaced ? T.unplaced.replace("{reason}", s.unplaced) : "";
    const landed = document.getElementById("landed");
    landed.replaceChildren();
    (s.landed || []).forEach(function (line) { landed.appendChild(el("li", {}, line)); });
    document.querySelectorAll("#msel tr[data-t]").forEach(function (tr) {  // what is behind the clock, dimmed
      tr.classList.toggle("past", tr.dataset.t !== "" && Number(tr.dataset.t) < s.now);
    });
  }

  function tell(lines) {
    const story = document.getElementById("story");
    lines.forEach(function (ln) {
      const li = el("li", {"class": "topic-" + ln.topic});
      li.append(el("span", {"class": "when"}, ln.clock), document.createTextNode(" " + ln.text));
      story.appendChild(li);
    });
    if (lines.length) story.scrollTop = story.scrollHeight;
  }

  document.getElementById("run-toggle").addEventListener("click", function () {
    act(state && state.running ? "pause" : "resume");
  });
  document.getElementById("step").addEventListener("click", function () { act("step", {minutes: 10}); });
  document.getElementById("speed").addEventListener("change", function (e) { act("speed", {speed: Number(e.target.value)}); });
  document.getElementById("acknowledge").addEventListener("click", function () { act("acknowledge"); });
  document.getElementById("open-vote").addEventListener("click", function () { act("open_vote"); });
  document.getElementById("show-count").addEventListener("click", function () { act("reveal", {show: !(state && state.reveal)}); });
  document.getElementById("close-vote").addEventListener("click", function () { act("close_vote"); });
  document.getElementById("continue").addEventListener("click", function () { act("continue"); });
  document.getElementById("override-form").addEventListener("submit", function (e) {
    e.preventDefault();
    const o = state.overrides[Number(document.getElementById("override-choice").value)];
    if (o) act("override", {kind: o.kind, target: o.target, params: o.params});
  });

  live("/ws/projector", function (m) {
    draw(m.state);
    tell(m.story);
  });
})();

// The projector: what the class sees, on one screen without scrolling. The clock, the inject or decision
// that holds the run (with the count once the facilitator shows it), a closed vote's result until the
// facilitator continues, the last five story lines in large type, the map and a compact status. The
// controls and the private material are on the facilitator's view (/facilitator), never projected.
"use strict";
(function () {
  const STORY_LINES = 5;
  const map = MapView(document.getElementById("map"));

  function runState(s) {
    return s.error ? s.error : s.finished ? T.ended :
      s.pending ? (s.pending.kind === "decision" ? T.held_decision : T.held_inject) :
      s.shown ? T.held_result : (s.running ? T.running : T.paused);
  }

  function drawStatus(st) {
    const box = document.getElementById("status");
    box.replaceChildren();
    const forces = el("p", {"class": "forces"});
    st.forces.forEach(function (f) {
      forces.appendChild(el("span", {"class": "chip"}, f.label + " " + number(f.strength) + "/" + number(f.initial)));
    });
    const objectives = el("p", {"class": "objectives"});
    st.objectives.forEach(function (o) {
      const chip = el("span", {"class": "chip state-" + o.state, "title": o.label}, (T[o.state] || o.state) + ": " + o.label);
      objectives.appendChild(chip);
    });
    box.append(forces, objectives);
    if (st.casualties) {
      const c = st.casualties;
      box.appendChild(el("p", {"class": "care"}, T.casualties + ": " + number(c.total) + " · " + T.in_care + " " +
        number(c.in_care) + " · " + T.died_of_wounds + " " + number(c.died_of_wounds)));
    }
  }

  function drawNow(s) {
    const p = s.pending;
    const inject = document.getElementById("inject-panel");
    const decision = document.getElementById("decision-panel");
    const result = document.getElementById("result-panel");
    inject.hidden = !p || p.kind !== "inject";
    decision.hidden = !p || p.kind !== "decision";
    result.hidden = !s.shown || (!!p && p.kind === "decision");
    document.getElementById("inject-message").textContent = p && p.kind === "inject" ? p.message : "";
    if (p && p.kind === "decision") {
      document.getElementById("decision-question").textContent = p.question;
      const v = s.vote;
      const shown = v && s.reveal;
      optionRows(document.querySelector("#vote-table tbody"), shown ? v.options : p.options, shown, null, p["default"]);
      document.getElementById("vote-state").textContent = v && v.open ? T.vote_open + " · " + T.votes + ": " + number(v.ballots) : "";
    }
    if (s.shown) {
      document.getElementById("result-question").textContent = s.shown.question;
      optionRows(document.querySelector("#result-table tbody"), s.shown.options, true, s.shown.winner, null);
      document.getElementById("vote-result").textContent = said(s.shown);
    }
    const landed = document.getElementById("landed-panel");
    landed.hidden = !(s.placing || s.landed || s.unplaced);
    document.body.classList.toggle("ended", !landed.hidden);  // where the run landed takes the story's place
    document.getElementById("placing").textContent = s.placing ?
      T.placing.replace("{n}", number(s.placing[1])) + " " + number(s.placing[0]) + " / " + number(s.placing[1]) :
      s.unplaced ? T.unplaced.replace("{reason}", s.unplaced) : "";
    const list = document.getElementById("landed");
    list.replaceChildren();
    (s.landed || []).forEach(function (line) { list.appendChild(el("li", {}, line)); });
  }

  function draw(s) {
    document.getElementById("clock").textContent = s.clock;
    document.getElementById("participants").textContent = number(s.participants);
    document.getElementById("run-state").textContent = runState(s);
    drawNow(s);
    drawStatus(s.status);
    map.units(s.units);
  }

  function tell(lines) {
    const story = document.getElementById("story");
    lines.forEach(function (ln) {
      const li = el("li", {"class": "topic-" + ln.topic});
      li.append(el("span", {"class": "when"}, ln.clock), document.createTextNode(" " + ln.text));
      li.setAttribute("title", ln.text);
      story.appendChild(li);
    });
    while (story.children.length > STORY_LINES) story.removeChild(story.firstChild);
  }

  live("/ws/projector", function (m) {
    draw(m.state);
    tell(m.story);
  });
})();

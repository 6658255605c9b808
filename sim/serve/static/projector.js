// The projector: map with the units, clock, story and status, and the facilitator's controls.
"use strict";
(function () {
  const marks = {};
  document.querySelectorAll("#units g.unit").forEach(function (g) { marks[g.dataset.unit] = g; });
  let state = null;
  let reveal = false;  // the count per option, while a vote is open: hidden from the class until asked for

  // Zoom and pan: the viewBox moves; marks and labels keep their size on screen (scaled by k).
  const svg = document.getElementById("map");
  const full = svg.getAttribute("viewBox").split(" ").map(Number);
  let view = full.slice();
  function k() { return view[2] / full[2]; }
  function place(g, x, y) { g.setAttribute("transform", "translate(" + x + "," + y + ") scale(" + k().toFixed(3) + ")"); }
  function applyView() {
    svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(1); }).join(" "));
    svg.querySelectorAll("g.place").forEach(function (g) { place(g, g.dataset.x, g.dataset.y); });
    if (state) drawUnits(state.units);
  }
  function zoom(factor, cx, cy) {
    const w = Math.min(full[2], Math.max(full[2] / 40, view[2] * factor));
    const h = w * full[3] / full[2];
    view = [cx - (cx - view[0]) * w / view[2], cy - (cy - view[1]) * h / view[3], w, h];
    applyView();
  }
  function svgPoint(e) {
    const p = svg.createSVGPoint();
    p.x = e.clientX; p.y = e.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  }
  svg.addEventListener("wheel", function (e) {
    e.preventDefault();
    const p = svgPoint(e);
    zoom(e.deltaY > 0 ? 1.25 : 0.8, p.x, p.y);
  }, {passive: false});
  let drag = null;
  svg.addEventListener("pointerdown", function (e) { drag = svgPoint(e); svg.setPointerCapture(e.pointerId); });
  svg.addEventListener("pointermove", function (e) {
    if (!drag) return;
    const p = svgPoint(e);
    view[0] -= p.x - drag.x;
    view[1] -= p.y - drag.y;
    applyView();
  });
  svg.addEventListener("pointerup", function () { drag = null; });
  document.getElementById("zoom-in").addEventListener("click", function () { zoom(0.67, view[0] + view[2] / 2, view[1] + view[3] / 2); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoom(1.5, view[0] + view[2] / 2, view[1] + view[3] / 2); });
  document.getElementById("zoom-all").addEventListener("click", function () { view = full.slice(); applyView(); });

  // The first view: the area where most places are, leaving out a far-off one (a home port across the sea)
  // that would shrink everything else to a corner. "Whole map" shows everything.
  (function fitMainArea() {
    const pts = Array.from(svg.querySelectorAll("g.place")).map(function (g) { return [Number(g.dataset.x), Number(g.dataset.y)]; });
    if (pts.length < 3) return;
    const mid = function (a) { const s = a.slice().sort(function (p, q) { return p - q; }); return s[Math.floor(s.length / 2)]; };
    const cx = mid(pts.map(function (p) { return p[0]; })), cy = mid(pts.map(function (p) { return p[1]; }));
    const d = pts.map(function (p) { return Math.hypot(p[0] - cx, p[1] - cy); });
    const near = pts.filter(function (p, i) { return d[i] <= 3 * Math.max(mid(d), 1); });
    const xs = near.map(function (p) { return p[0]; }), ys = near.map(function (p) { return p[1]; });
    const x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs), y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
    const w = Math.min(full[2], Math.max((x1 - x0) * 1.3, (y1 - y0) * 1.3 * full[2] / full[3], full[2] / 40));
    if (w >= full[2] * 0.8) return;
    const h = w * full[3] / full[2];
    view = [(x0 + x1) / 2 - w / 2, (y0 + y1) / 2 - h / 2, w, h];
    applyView();
  })();

  function act(action, body) {
    return send("/api/control/" + action, body).then(draw, function (err) {
      document.getElementById("run-state").textContent = err.message;
    });
  }

  function drawUnits(units) {
    const stacked = {};
    units.forEach(function (u) {
      const g = marks[u.id];  // drawn by the page (every unit is there from the start)
      if (!g) return;
      const key = Math.round(u.x / (8 * k())) + "," + Math.round(u.y / (8 * k()));
      const n = stacked[key] = (stacked[key] || 0) + 1;
      g.querySelector("text").setAttribute("y", String(-6 - (n - 1) * 11));
      g.setAttribute("visibility", u.x === null ? "hidden" : "visible");
      if (u.x !== null) place(g, u.x, u.y);
      g.classList.toggle("moving", u.moving);
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

  function number(x) { return Math.round(x).toLocaleString(document.documentElement.lang); }

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
      box.appendChild(el("h3", {}, T.casualties + ": " + c.total));
      box.appendChild(table([[T.in_care, c.in_care], [T.returned_to_duty, c.returned_to_duty],
                             [T.evacuated, c.evacuated], [T.died_of_wounds, c.died_of_wounds]].concat(
        c.stages.map(function (s) { return [s.facility, T.waiting_for_team + " " + s.waiting + ", " + T.beds_used + " " + s.beds_used]; })
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
      return;
    }
    document.getElementById("decision-question").textContent = p.question;
    const v = s.vote;
    const body = document.querySelector("#vote-table tbody");
    body.replaceChildren();
    const decide = document.getElementById("decide");
    decide.replaceChildren();
    p.options.forEach(function (o) {
      const count = v && reveal ? v.options.find(function (x) { return x.name === o.name; }).count : "";
      const row = el("tr", {"data-option": o.name});
      const label = el("td", {}, " " + o.label + (o.name === p.default ? " (" + T["default"] + ")" : ""));
      label.prepend(el("strong", {}, o.name));
      row.append(label, el("td", {"class": "count"}, String(count)));
      body.appendChild(row);
      const b = el("button", {"data-choose": o.name}, o.name);
      b.addEventListener("click", function () { act("choose", {option: o.name}); });
      decide.appendChild(b);
    });
    const open = !!(v && v.open);
    document.getElementById("open-vote").hidden = open;
    document.getElementById("close-vote").hidden = !open;
    const show = document.getElementById("show-count");
    show.hidden = !open;
    show.textContent = reveal ? T.hide_count : T.show_count;
    document.getElementById("vote-state").textContent = open ? T.vote_open + " · " + T.votes + ": " + v.ballots : "";
  }

  function drawLanded(s) {
    document.getElementById("landed-panel").hidden = !(s.placing || s.landed || s.unplaced);
    document.getElementById("placing").textContent = s.placing ?
      T.placing.replace("{n}", number(s.placing[1])) + " " + number(s.placing[0]) + " / " + number(s.placing[1]) :
      s.unplaced ? T.unplaced.replace("{reason}", s.unplaced) : "";
    const list = document.getElementById("landed");
    list.replaceChildren();
    (s.landed || []).forEach(function (line) { list.appendChild(el("li", {}, line)); });
  }

  function draw(s) {
    state = s;
    document.getElementById("clock").textContent = s.clock;
    document.getElementById("participants").textContent = String(s.participants);
    document.getElementById("run-state").textContent = s.error ? s.error :
      s.finished ? T.ended + (s.saved ? " " + T.saved + " " + s.saved : "") :
      s.pending ? (s.pending.kind === "decision" ? T.held_decision : T.held_inject) :  // held, whatever the toggle says
      (s.running ? T.running : T.paused);
    document.getElementById("run-toggle").textContent = s.running ? T.pause : (s.now > 0 ? T.resume : T.start);
    document.getElementById("run-toggle").disabled = s.finished;
    document.getElementById("step").disabled = s.finished || !!s.pending;
    const speed = document.getElementById("speed");
    if (document.activeElement !== speed) speed.value = String(s.speed);
    drawUnits(s.units);
    drawStatus(s.status);
    drawOverrides(s.finished ? [] : s.overrides);
    drawPause(s);
    const result = document.getElementById("vote-result");  // the last vote's result, until the next decision
    result.hidden = !s.result || !!s.pending;
    result.textContent = s.result || "";
    drawLanded(s);
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
  document.getElementById("open-vote").addEventListener("click", function () { reveal = false; act("open_vote"); });
  document.getElementById("show-count").addEventListener("click", function () { reveal = !reveal; draw(state); });
  document.getElementById("close-vote").addEventListener("click", function () { act("close_vote"); });
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

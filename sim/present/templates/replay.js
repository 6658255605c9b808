// The map replay: units move along their keyframes (t, from, to); play, pause, a time slider.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("replay-data").textContent);
  const svg = document.getElementById("map");
  const slider = document.getElementById("replay-time");
  const button = document.getElementById("replay-play");
  const clock = document.getElementById("replay-clock");
  const NS = "http://www.w3.org/2000/svg";
  const marks = {};
  data.units.forEach(function (u) {
    const g = document.createElementNS(NS, "g");
    g.setAttribute("class", "unit side-" + u.side_index);
    g.setAttribute("data-unit", u.id);
    const c = document.createElementNS(NS, "circle");
    c.setAttribute("r", "6");
    const label = document.createElementNS(NS, "text");
    label.setAttribute("x", "8");
    label.textContent = u.id;
    const title = document.createElementNS(NS, "title");
    title.textContent = u.name;
    g.appendChild(c);
    g.appendChild(label);
    g.appendChild(title);
    svg.appendChild(g);
    marks[u.id] = g;
  });
  function where(frames, t) {
    let i = 0;
    while (i + 1 < frames.length && frames[i + 1][0] <= t) i++;
    const f = frames[i];
    const a = data.places[f[1]], b = data.places[f[2]];
    if (f[1] === f[2] || i + 1 >= frames.length) return a;
    const t1 = frames[i + 1][0];
    const k = t1 > f[0] ? Math.min(1, (t - f[0]) / (t1 - f[0])) : 1;
    return [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k];
  }
  function clockText(t) {
    if (data.start === null) {
      const m = Math.round(t);
      return "H+" + Math.floor(m / 60) + ":" + String(m % 60).padStart(2, "0");
    }
    const m = Math.round(t) + data.start_minute_of_day;
    const day = Math.floor(m / 1440), rest = m % 1440;
    return "D+" + day + " " + String(Math.floor(rest / 60)).padStart(2, "0") + ":" + String(rest % 60).padStart(2, "0");
  }
  function draw(t) {
    const stacked = {};  // units at one spot: labels one above the other
    data.units.forEach(function (u) {
      const p = where(u.frames, t);
      const key = Math.round(p[0] / 8) + "," + Math.round(p[1] / 8);
      const k = stacked[key] = (stacked[key] || 0) + 1;
      marks[u.id].querySelector("text").setAttribute("y", String(-6 - (k - 1) * 11));
      marks[u.id].setAttribute("transform", "translate(" + p[0].toFixed(1) + "," + p[1].toFixed(1) + ")");
      const lost = u.lost_at !== null && t >= u.lost_at;
      marks[u.id].setAttribute("opacity", lost ? "0.25" : "1");
    });
    clock.textContent = clockText(t);
  }
  let playing = null;
  function stop() {
    if (playing !== null) { clearInterval(playing); playing = null; }
    button.textContent = data.labels.play;
  }
  button.addEventListener("click", function () {
    if (playing !== null) { stop(); return; }
    if (Number(slider.value) >= data.end) slider.value = "0";
    button.textContent = data.labels.pause;
    playing = setInterval(function () {
      const next = Math.min(data.end, Number(slider.value) + data.end / 300);
      slider.value = String(next);
      draw(next);
      if (next >= data.end) stop();
    }, 50);
  });
  slider.addEventListener("input", function () { draw(Number(slider.value)); });
  draw(0);
})();

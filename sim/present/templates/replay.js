// The map replay: units move along their keyframes (t, from, to, route); play, pause, a time slider. The map
// itself (zoom, pan, scale bar, markers with a count, labels that never overprint) is mapview.js.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("replay-data").textContent);
  const map = MapView(document.getElementById("map"));
  const slider = document.getElementById("replay-time");
  const button = document.getElementById("replay-play");
  const clock = document.getElementById("replay-clock");
  function where(frames, t) {
    let i = 0;
    while (i + 1 < frames.length && frames[i + 1][0] <= t) i++;
    const f = frames[i];
    const a = data.places[f[1]], b = data.places[f[2]];
    if (f[1] === f[2] || i + 1 >= frames.length) return [a[0], a[1], false];
    const t1 = frames[i + 1][0];
    const k = t1 > f[0] ? Math.min(1, (t - f[0]) / (t1 - f[0])) : 1;
    // along the route's waypoints when it has some (mapview.js), else straight
    const shape = f[3] === null || f[3] === undefined ? undefined : data.routes[f[3]];
    const points = !shape ? [a, b] : shape.from === f[1] ? shape.points : shape.points.slice().reverse();
    const p = alongPolyline(points, k);
    return [p[0], p[1], k < 1];
  }
  function clockText(t) {
    if (data.start === null) {
      const m = Math.round(t);
      return data.clock.hour.replace("{h}", Math.floor(m / 60)).replace("{m:02d}", String(m % 60).padStart(2, "0"));
    }
    const m = Math.round(t) + data.start_minute_of_day;
    const day = Math.floor(m / 1440), rest = m % 1440;
    const time = String(Math.floor(rest / 60)).padStart(2, "0") + ":" + String(rest % 60).padStart(2, "0");
    return data.clock.day.replace("{day}", day).replace("{time}", time);
  }
  function draw(t) {
    map.units(data.units.map(function (u) {
      const p = where(u.frames, t);
      const lost = u.lost_at !== null && t >= u.lost_at;
      return {id: u.id, label: u.label, x: lost ? null : p[0], y: lost ? null : p[1], moving: p[2]};
    }));
    clock.textContent = clockText(t);
  }
  document.getElementById("zoom-in").addEventListener("click", function () { map.zoom(0.67); });
  document.getElementById("zoom-out").addEventListener("click", function () { map.zoom(1.5); });
  document.getElementById("zoom-home").addEventListener("click", function () { map.whole(); });
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

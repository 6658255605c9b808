// The map the report and the classroom's screens share: zoom and pan, a scale bar, a locator of the whole
// area when the view leaves something out, units at one place drawn as one marker with a count (the names
// in its tooltip, listed on a tap), and labels that never overprint: each label tries four sides of its
// point and is hidden when none is free (the name stays in the tooltip; zooming in shows it).
"use strict";
// The point k (0 to 1) of the way along a polyline [[x, y], ...], by distance: a unit on a route with
// waypoints follows them (tracks.where does the same in Python).
function alongPolyline(points, k) {
  const lengths = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const d = Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
    lengths.push(d);
    total += d;
  }
  let left = Math.max(0, Math.min(1, k)) * total;
  for (let i = 0; i < lengths.length; i++) {
    if (left <= lengths[i] && lengths[i] > 0) {
      const f = left / lengths[i], p = points[i], q = points[i + 1];
      return [p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f];
    }
    left -= lengths[i];
  }
  return points[points.length - 1].slice();
}
function MapView(svg) {
  const NS = "http://www.w3.org/2000/svg";
  const full = svg.getAttribute("viewBox").split(" ").map(Number);
  const first = (svg.dataset.view || "").split(" ").filter(Boolean).map(Number);
  const home = first.length === 4 ? first : full.slice();
  let view = home.slice();
  const kmPerUnit = Number(svg.dataset.km || 0);
  const decimal = (1.5).toLocaleString(document.documentElement.lang || "en").charAt(1);  // "." or ","
  const marks = {};
  svg.querySelectorAll("g.unit").forEach(function (g) { marks[g.dataset.unit] = g; });
  let units = [];
  const locator = svg.parentNode.querySelector("svg.locator");

  // picture units per screen pixel: marks and labels keep their size on screen
  // (grown with the page's type: a projector's large type gets large labels too)
  function perPixel() {
    const r = svg.getBoundingClientRect();
    const grow = Math.max(1, (parseFloat(getComputedStyle(svg).fontSize) || 16) / 16);
    if (!r.width || !r.height) return grow * view[2] / full[2];
    return grow * Math.max(view[2] / r.width, view[3] / r.height);
  }
  function put(g, x, y, s) { g.setAttribute("transform", "translate(" + x + "," + y + ") scale(" + s.toFixed(4) + ")"); }

  function scaleBar(s) {
    const bar = svg.querySelector("#scale-bar, .scale");
    if (!bar || !kmPerUnit) return;
    const want = 110 * s * kmPerUnit;  // about 110 px on screen
    const p = Math.pow(10, Math.floor(Math.log10(want)));
    const km = [5, 2, 1].map(function (m) { return m * p; }).find(function (v) { return v <= want; }) || p;
    const len = km / kmPerUnit / s;  // in screen pixels
    bar.replaceChildren();
    const line = document.createElementNS(NS, "path");
    line.setAttribute("d", "M0,0v-6M0,-3H" + len.toFixed(1) + "M" + len.toFixed(1) + ",0v-6");
    const text = document.createElementNS(NS, "text");
    text.setAttribute("x", (len / 2).toFixed(1));
    text.setAttribute("y", "-9");
    text.setAttribute("text-anchor", "middle");
    text.textContent = (km >= 1 ? String(km) : km.toFixed(1).replace(".", decimal)) + "\u00a0" + (svg.dataset.kmWord || "km");
    bar.append(line, text);
    put(bar, view[0] + 14 * s, view[1] + view[3] - 12 * s, s);
  }

  const SIDES = [[12, 4, "start"], [-12, 4, "end"], [0, -12, "middle"], [0, 20, "middle"]];
  function overlaps(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }
  function declutter() {
    const kept = [];
    const frame = svg.getBoundingClientRect();
    // the markers, the scale bar and the locator over the map are obstacles too
    svg.querySelectorAll("g.place circle, g.unit[visibility=visible] circle, .scale text").forEach(function (c) { kept.push(c.getBoundingClientRect()); });
    if (locator) kept.push(locator.getBoundingClientRect());
    const labels = Array.from(svg.querySelectorAll("g.place text, g.unit[visibility=visible] text.name"));
    labels.forEach(function (t) {
      t.removeAttribute("visibility");
      if (!t.textContent) { t.setAttribute("visibility", "hidden"); return; }
      let placed = false;
      for (let i = 0; i < SIDES.length && !placed; i++) {
        t.setAttribute("x", String(SIDES[i][0]));
        t.setAttribute("y", String(SIDES[i][1]));
        t.setAttribute("text-anchor", SIDES[i][2]);
        const r = t.getBoundingClientRect();
        const inside = r.left >= frame.left && r.right <= frame.right && r.top >= frame.top && r.bottom <= frame.bottom;
        const own = t.parentNode.querySelector("circle").getBoundingClientRect();
        if (inside && !kept.some(function (k) { return k !== own && overlaps(k, r) && !(k.left === own.left && k.top === own.top); })) {
          kept.push(r);
          placed = true;
        }
      }
      if (!placed) t.setAttribute("visibility", "hidden");
    });
  }

  function drawUnits() {
    const s = perPixel();
    const clusters = [];
    units.forEach(function (u) {
      const g = marks[u.id];
      if (!g) return;
      g.classList.toggle("moving", !!u.moving);
      if (u.x === null || u.x === undefined) { g.setAttribute("visibility", "hidden"); return; }
      put(g, u.x, u.y, s);  // where it is, drawn or counted in another marker
      const near = clusters.find(function (c) { return Math.hypot(c.x - u.x, c.y - u.y) < 12 * s; });
      if (near) { near.members.push(u); g.setAttribute("visibility", "hidden"); return; }
      clusters.push({x: u.x, y: u.y, g: g, members: [u]});
      g.setAttribute("visibility", "visible");
    });
    clusters.forEach(function (c) {
      const n = c.members.length;
      c.g.querySelector("text.count").textContent = n > 1 ? String(n) : "";
      c.g.querySelector("circle").setAttribute("r", n > 1 ? "9" : "10");  // alone: the symbol's room
      c.g.classList.toggle("cluster", n > 1);
      const name = c.g.querySelector("text.name");
      if (name.dataset.name === undefined) name.dataset.name = name.textContent;
      name.textContent = n > 1 ? "" : name.dataset.name;
      c.g.querySelector("title").textContent = c.members.map(function (m) { return m.label; }).join("\n");
      c.g.dataset.members = JSON.stringify(c.members.map(function (m) { return m.label; }));
    });
  }

  function apply() {
    svg.setAttribute("viewBox", view.map(function (v) { return v.toFixed(1); }).join(" "));
    const s = perPixel();
    svg.querySelectorAll("g.place").forEach(function (g) { put(g, g.dataset.x, g.dataset.y, s); });
    svg.querySelectorAll(".route").forEach(function (r) { r.style.strokeWidth = String(2 * s); });
    svg.querySelectorAll("path.landmass").forEach(function (r) { r.style.strokeWidth = String(1 * s); });
    drawUnits();
    scaleBar(s);
    declutter();
    if (locator) {
      const r = locator.querySelector(".locator-view");
      if (r) { r.setAttribute("x", view[0]); r.setAttribute("y", view[1]); r.setAttribute("width", view[2]); r.setAttribute("height", view[3]); }
    }
  }
  function zoom(factor, cx, cy) {
    const w = Math.min(full[2] * 3, Math.max(full[2] / 200, view[2] * factor));
    const h = w * view[3] / view[2];
    view = [cx - (cx - view[0]) * w / view[2], cy - (cy - view[1]) * h / view[3], w, h];
    apply();
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
    apply();
  });
  svg.addEventListener("pointerup", function () { drag = null; });
  // a tap on a marker with a count lists its units
  svg.addEventListener("click", function (e) {
    const g = e.target.closest && e.target.closest("g.unit.cluster");
    const pop = svg.parentNode.querySelector(".map-pop");
    if (!pop) return;
    if (!g) { pop.hidden = true; return; }
    pop.replaceChildren();
    JSON.parse(g.dataset.members || "[]").forEach(function (m) { const li = document.createElement("li"); li.textContent = m; pop.appendChild(li); });
    pop.hidden = false;
  });
  window.addEventListener("resize", apply);
  apply();
  return svg.mapView = {
    units: function (list) { units = list; apply(); },
    zoom: function (f) { zoom(f, view[0] + view[2] / 2, view[1] + view[3] / 2); },
    home: function () { view = home.slice(); apply(); },
    whole: function () { view = full.slice(); apply(); },
    centre: function (x, y, w) { const h = w * home[3] / home[2]; view = [x - w / 2, y - h / 2, w, h]; apply(); },
    view: function () { return view.slice(); },
  };
}

// Shared by the pages: the translated texts, a WebSocket that reconnects, and JSON actions.
"use strict";
const T = JSON.parse(document.getElementById("texts").textContent);

function live(path, onState) {
  const offline = document.getElementById("offline");
  let delay = 500;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + path);
    ws.onopen = function () { delay = 500; offline.hidden = true; };
    ws.onmessage = function (e) { onState(JSON.parse(e.data)); };
    ws.onclose = function () {
      offline.hidden = false;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
}

async function send(url, body, headers) {
  const r = await fetch(url, {
    method: "POST",
    headers: Object.assign({"Content-Type": "application/json"}, headers || {}),
    body: JSON.stringify(body || {}),
  });
  const data = await r.json();
  if (!r.ok) throw new Error(data.error || String(r.status));
  return data;
}

function el(tag, attrs, text) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(function (kv) { e.setAttribute(kv[0], kv[1]); });
  if (text !== undefined) e.textContent = text;
  return e;
}

// A number as the page's language writes it (one place, so that the formatting can change in one place).
function number(x) { return Math.round(x).toLocaleString(document.documentElement.lang); }

// A vote's options as rows: the option, its label, its count (when shown) and the winner marked.
function optionRows(body, options, counts, winner, deflt) {
  body.replaceChildren();
  options.forEach(function (o) {
    const row = el("tr", {"data-option": o.name, "class": o.name === winner ? "winner" : ""});
    const label = el("td", {"class": "label"}, o.label + (o.name === deflt ? " (" + T["default"] + ")" : ""));
    label.setAttribute("title", o.label);
    row.append(label, el("td", {"class": "count"}, counts && o.count !== undefined ? number(o.count) : ""));
    body.appendChild(row);
  });
}

// A vote's result in the page's language (the server writes it in each).
function said(shown) { return (shown.texts || {})[document.documentElement.lang] || shown.text; }

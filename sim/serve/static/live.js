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

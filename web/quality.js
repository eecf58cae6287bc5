// tote's data-quality page: on each warehouse version (server-sent events) reads every check
// once from /api/v1/quality; a row of the ETL-log or dead-letter check opens its drill-down.
// Elements are built with textContent only: no data is ever parsed as HTML.
"use strict";

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}
function utcMs(ms) {
  return ms ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "–";
}
function badge(status) {
  return el("span", { class: "badge " + status.replace("/", "") }, status);
}
// Raw bytes of a dead letter: {text} (UTF-8) or {hex}, or null.
function raw(v) {
  if (v === null) return "NULL";
  if ("text" in v) return v.text;
  return "hex: " + v.hex;
}
function show(col, v) {
  if (v !== null && typeof v === "object") return raw(v);
  if (v === null) return "NULL";
  if (typeof v === "number" && col.endsWith("_ms") && !col.startsWith("behind"))
    return utcMs(v) + " (" + v + ")";
  return v;
}

function table(columns, rows, onPick) {
  const body = rows.map((r) => {
    const tr = el("tr", onPick ? { class: "pick", tabindex: "0" } : {},
      ...columns.map((c, i) => {
        const v = r[i];
        if (c === "status") return el("td", {}, badge(v));
        return el("td", typeof v === "object" && v !== null ? { class: "raw" } : {}, show(c, v));
      }));
    if (onPick) tr.addEventListener("click", () => onPick(r));
    return tr;
  });
  return el("div", { class: "scroll" },
    el("table", {}, el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", {}, c.replace(/_/g, " "))))),
      el("tbody", {}, ...body)));
}

async function getJson(url) {
  const res = await fetch(url, { credentials: "same-origin" });
  if (!res.ok) throw new Error("HTTP " + res.status + ": " + (await res.text()));
  return res.json();
}

let drill = null; // {kind, params, page}
async function openDrill(kind, params, page) {
  drill = { kind, params, page };
  const q = new URLSearchParams({ ...params, page: String(page) });
  const box = document.getElementById("drill");
  box.hidden = false;
  try {
    const d = await getJson("/api/v1/quality/" + kind + "?" + q.toString());
    const title = kind === "etl_log" ? "ETL log entries in force: rule " + d.rule
      : "Dead letters: stage " + d.stage + " · " + d.reason;
    const prev = el("button", page > 0 ? {} : { disabled: "" }, "previous");
    const next = el("button", d.rows.length === d.page_rows ? {} : { disabled: "" }, "next");
    prev.addEventListener("click", () => openDrill(kind, params, page - 1));
    next.addEventListener("click", () => openDrill(kind, params, page + 1));
    box.replaceChildren(el("h2", {}, title, " ", el("small", {}, "page " + (page + 1) + " · version " + d.version)),
      table(d.columns, d.rows), el("p", {}, prev, " ", next));
    box.dataset.rows = String(d.rows.length);
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, "error: " + e.message));
  }
}

function renderCheck(c) {
  let onPick = null;
  if (c.id === "etl_log") onPick = (r) => openDrill("etl_log", { rule: r[0] }, 0);
  if (c.id === "dead_letters") onPick = (r) => openDrill("dead_letters", { stage: r[0], reason: r[1] }, 0);
  const parts = [
    el("h2", {}, badge(c.status), " ", c.title, " ", el("small", {}, c.summary || "")),
    el("p", { class: "rule" }, "Rule: " + c.rule),
  ];
  if (c.error) parts.push(el("p", { class: "error" }, "error: " + c.error));
  else if (c.rows.length) parts.push(table(c.columns, c.rows, onPick));
  else parts.push(el("p", { class: "rule" }, "no rows"));
  parts.push(el("p", { class: "history" }, "history: ",
    ...(c.history || []).map(([v, s]) => { const b = badge(s); b.title = "version " + v; return b; })));
  return el("section", { class: "panel", "data-check": c.id, "data-status": c.status }, ...parts);
}

// Checks may scan every landing table: the page reads them on a version event at most once
// every MIN_INTERVAL_MS (the newest version then), not on every commit of a busy warehouse.
const MIN_INTERVAL_MS = 5000;
let shownVersion = null;
let loading = false;
let wanted = null;
let lastLoad = 0;
async function load(event) {
  wanted = event;
  if (loading) return;
  loading = true;
  try {
    while (wanted && (shownVersion === null || wanted.version > shownVersion)) {
      const wait = lastLoad + MIN_INTERVAL_MS - Date.now();
      if (shownVersion !== null && wait > 0) await new Promise((r) => setTimeout(r, wait));
      lastLoad = Date.now();
      const d = await getJson("/api/v1/quality");
      document.getElementById("checks").replaceChildren(...d.checks.map(renderCheck));
      shownVersion = d.version;
      const status = document.getElementById("status");
      status.className = "status live";
      const counts = {};
      for (const c of d.checks) counts[c.status] = (counts[c.status] || 0) + 1;
      status.textContent = "live · warehouse version " + d.version + " · " +
        Object.entries(counts).map(([k, n]) => n + " " + k).join(", ");
      document.body.dataset.version = String(d.version);
      if (drill) openDrill(drill.kind, drill.params, drill.page);
    }
  } catch (e) {
    const status = document.getElementById("status");
    status.className = "status down";
    status.textContent = "error: " + e.message;
  } finally {
    loading = false;
  }
}

const events = new EventSource("/api/v1/events");
events.addEventListener("version", (e) => load(JSON.parse(e.data)));
events.onerror = () => {
  const status = document.getElementById("status");
  status.className = "status down";
  status.textContent = "disconnected; reconnecting…";
};

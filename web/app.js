// tote's dashboard: listens for warehouse versions (server-sent events) and, on each, reads
// every tile once from /api/v1/dashboard (the server computes each tile once per version,
// whatever the number of viewers). Plain JS and SVG; money arrives as integer EUR cents.
"use strict";

const DAY_US = 86400 * 1e6;

// Elements are built with textContent only: no data is ever parsed as HTML.
function el(tag, attrs, ...children) {
  const e = tag.startsWith("svg:")
    ? document.createElementNS("http://www.w3.org/2000/svg", tag.slice(4))
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : String(c));
  return e;
}

// Integer cents -> "1,234.56" (exact for every |cents| < 2^53).
function eur(cents) {
  const neg = cents < 0;
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toLocaleString("en-US");
  const rest = String(abs % 100).padStart(2, "0");
  return (neg ? "-" : "") + units + "." + rest;
}
const count = (n) => n.toLocaleString("en-US");
function percent(num, den) {
  return den === 0 ? null : (100 * num) / den;
}
function utc(us) {
  if (!us) return "no facts yet";
  return new Date(us / 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}
function dayLabel(day) {
  return new Date(day * 86400000).toISOString().slice(0, 10);
}

function rowsOf(tile) {
  return (tile.rows || []).map((r) => Object.fromEntries(tile.columns.map((c, i) => [c, r[i]])));
}

// Sums of every column of the today_vs_yesterday tile for one day (the report's day total).
function daySums(rows, day) {
  const sums = {};
  for (const r of rows) {
    if (r.day !== day) continue;
    for (const [k, v] of Object.entries(r)) if (typeof v === "number" && k !== "day") sums[k] = (sums[k] || 0) + v;
  }
  return sums;
}

function kpiValue(kpi, sums, players, ftd) {
  if (kpi.id === "active_players") return players;
  if (kpi.id === "first_deposits") return ftd;
  const num = sums[kpi.numerator] || 0;
  if (kpi.unit === "%") return percent(num, sums[kpi.denominator] || 0);
  if (kpi.denominator) return num - (sums[kpi.denominator] || 0);
  return num;
}

function formatValue(kpi, v) {
  if (v === null) return "–";
  if (kpi.unit === "EUR") return "EUR " + eur(v);
  if (kpi.unit === "%") return v.toFixed(2) + "%";
  return count(v);
}

function renderKpis(d, tiles, asOf) {
  const today = Math.floor(asOf / DAY_US);
  const kpiRows = rowsOf(tiles.today_vs_yesterday);
  const now = daySums(kpiRows, today);
  const before = daySums(kpiRows, today - 1);
  const players = {};
  for (const r of rowsOf(tiles.players)) if (r.level === 1) players[r.day] = r.players;
  const ftd = {};
  if (tiles.first_deposits && !tiles.first_deposits.error)
    for (const r of rowsOf(tiles.first_deposits)) ftd[r.day] = r.ftd;
  const cut = new Date((Math.floor(asOf / 3600e6) * 3600 + 3600) * 1000).toISOString().slice(11, 16);
  const box = document.getElementById("kpis");
  box.replaceChildren();
  for (const k of d.kpis) {
    const v = kpiValue(k, now, players[today] || 0, ftd[today] || 0);
    const y = kpiValue(k, before, players[today - 1] || 0, ftd[today - 1] || 0);
    let cmp = "yesterday to " + cut + " UTC: " + formatValue(k, y);
    let cls = "cmp";
    if (v !== null && y !== null && y !== 0 && k.unit !== "%") {
      const change = (100 * (v - y)) / Math.abs(y);
      cmp += " (" + (change >= 0 ? "+" : "") + change.toFixed(1) + "%)";
      cls += change >= 0 ? " up" : " down";
    }
    box.append(
      el("article", { class: "card", "data-kpi": k.id },
        el("h3", {}, k.label),
        el("div", { class: "value", "data-value": v === null ? "" : String(v) }, formatValue(k, v)),
        el("div", { class: cls }, cmp),
        el("p", { class: "formula" }, "= " + k.formula),
        el("div", { class: "asof" }, "today " + dayLabel(today) + " · data as of " + utc(asOf))));
  }
}

// A line chart of the per-minute series, drawn as SVG.
function renderSeries(tile, asOf) {
  const rows = rowsOf(tile);
  const box = document.getElementById("series");
  document.getElementById("series-note").textContent =
    "EUR, last 120 minutes to " + utc(asOf) + " · " + tile.note;
  const W = 800, H = 220, L = 70, B = 24, T = 8;
  const svg = el("svg:svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "turnover per minute" });
  if (!rows.length) {
    svg.append(el("svg:text", { x: L, y: H / 2 }, "no bets in the last 120 minutes"));
    box.replaceChildren(svg);
    return;
  }
  const end = (Math.floor(asOf / 60e6) + 1) * 60;
  const start = end - 120 * 60;
  const byMinute = new Map(rows.map((r) => [r.minute_s, r.turnover]));
  const pts = [];
  for (let m = start; m < end; m += 60) pts.push([m, byMinute.get(m) || 0]);
  const max = Math.max(1, ...pts.map((p) => p[1]));
  const x = (m) => L + ((m - start) / (end - 60 - start)) * (W - L - 8);
  const y = (v) => T + (1 - v / max) * (H - T - B);
  const line = pts.map((p, i) => (i ? "L" : "M") + x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join("");
  svg.append(
    el("svg:line", { class: "axis", x1: L, y1: H - B, x2: W - 8, y2: H - B }),
    el("svg:line", { class: "axis", x1: L, y1: T, x2: L, y2: H - B }),
    el("svg:path", { class: "area", d: line + `L${x(pts[pts.length - 1][0])},${H - B}L${x(start)},${H - B}Z` }),
    el("svg:path", { class: "line", d: line }),
    el("svg:text", { x: 4, y: T + 10 }, eur(max)),
    el("svg:text", { x: 4, y: H - B }, "0.00"),
    el("svg:text", { x: L, y: H - 6 }, new Date(start * 1000).toISOString().slice(11, 16)),
    el("svg:text", { x: W - 48, y: H - 6 }, new Date((end - 60) * 1000).toISOString().slice(11, 16)));
  box.replaceChildren(svg);
}

function renderBreakdown(tile) {
  const rows = rowsOf(tile);
  const head = tile.columns.map((c) => el("th", {}, c.replace(/_/g, " ")));
  const body = rows.map((r) =>
    el("tr", {}, ...tile.columns.map((c, i) => {
      const v = r[c];
      if (i === 0) return el("td", {}, v === "" ? "(unknown)" : v);
      return el("td", {}, c === "bets" ? count(v) : eur(v));
    })));
  return el("section", { class: "panel", "data-tile": tile.id },
    el("h2", {}, tile.title, " ", el("small", {}, "EUR")),
    el("table", {}, el("thead", {}, el("tr", {}, ...head)), el("tbody", {}, ...body)),
    el("p", { class: "formula" }, tile.note));
}

// The trader view: open liability by selection (event, market, selection names).
function renderTrader(tile) {
  const box = document.getElementById("trader");
  if (!tile || tile.error) {
    box.replaceChildren();
    return;
  }
  const rows = rowsOf(tile);
  const head = ["event", "market", "selection", "open liability", "open bets"].map((c) => el("th", {}, c));
  const body = rows.map((r) =>
    el("tr", { "data-selection": String(r.selection_id) },
      el("td", {}, r.event || "event " + r.event_id),
      el("td", {}, r.market || "market " + r.market_id),
      el("td", {}, r.selection || "selection " + r.selection_id),
      el("td", {}, eur(r.liability)),
      el("td", {}, count(r.bets))));
  box.replaceChildren(
    el("h2", {}, tile.title, " ", el("small", {}, "EUR")),
    el("table", {}, el("thead", {}, el("tr", {}, ...head)), el("tbody", {}, ...body)),
    el("p", { class: "formula" }, tile.note));
}

// SQL alerts (tote serve --alerts FILE): state, value and since which version.
async function renderAlerts() {
  const box = document.getElementById("alerts");
  const res = await fetch("/api/v1/alerts", { credentials: "same-origin" });
  if (!res.ok) return;
  const d = await res.json();
  if (!d.alerts.length) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const rows = d.alerts.map((a) =>
    el("tr", { class: "alert " + a.state, "data-alert": a.id },
      el("td", {}, a.state),
      el("td", {}, a.title),
      el("td", {}, a.value === null ? "–" : count(a.value)),
      el("td", {}, a.reason),
      el("td", {}, a.since_version < 0 ? "" : "since version " + a.since_version)));
  box.replaceChildren(
    el("h2", {}, "Alerts ", el("small", {}, "evaluated at version " + d.evaluated_version)),
    el("table", {}, el("tbody", {}, ...rows)));
}

let shownVersion = null;
let loading = false;
let wanted = null;

async function load(event) {
  wanted = event;
  if (loading) return; // the newest wanted version is loaded when this one ends
  loading = true;
  try {
    // Until the tiles shown are at least the newest version announced.
    while (wanted && (shownVersion === null || wanted.version > shownVersion)) {
      const target = wanted;
      const res = await fetch("/api/v1/dashboard", { credentials: "same-origin" });
      if (!res.ok) throw new Error("HTTP " + res.status + ": " + (await res.text()));
      const d = await res.json();
      const tiles = Object.fromEntries(d.tiles.map((t) => [t.id, t]));
      const failed = d.tiles.filter((t) => t.error);
      const asOf = tiles.as_of && tiles.as_of.rows && tiles.as_of.rows[0] ? tiles.as_of.rows[0][0] : 0;
      renderKpis(d, tiles, asOf);
      renderSeries(tiles.series, asOf);
      document.getElementById("breakdowns").replaceChildren(
        ...["by_country", "by_sport", "by_channel", "by_phase"].filter((id) => tiles[id] && !tiles[id].error)
          .map((id) => renderBreakdown(tiles[id])));
      renderTrader(tiles.liability);
      await renderAlerts();
      shownVersion = d.version;
      const lag = target.committed_at_ms ? Date.now() - target.committed_at_ms : null;
      const status = document.getElementById("status");
      status.className = "status live";
      status.textContent = "live · warehouse version " + d.version + " · data as of " + utc(asOf) +
        (lag !== null ? " · updated " + lag + " ms after the commit" : "") +
        (failed.length ? " · " + failed.length + " tile(s) failed: " + failed.map((t) => t.error).join("; ") : "");
      document.body.dataset.version = String(d.version);
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

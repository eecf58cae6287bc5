// tote's dashboard: listens for warehouse versions (server-sent events) and, on each, reads
// every tile once from /api/v1/dashboard (the server computes each tile once per version,
// whatever the number of viewers). Money arrives as integer EUR cents.
import { type Alerts, type Cell, type Dashboard, type Kpi, type Tile, type VersionEvent, getJson } from "./api";
import { byId, el, latestOnly, onVersions, setStatus } from "./dom";
import { count, dayLabel, eur, utc } from "./format";
import { SeriesChart } from "./series_chart";

const DAY_US = 86400 * 1e6;

type Row = Record<string, Cell>;

function rowsOf(tile: Tile | undefined): Row[] {
  if (!tile || tile.error) return [];
  return (tile.rows ?? []).map((r) => Object.fromEntries(tile.columns.map((c, i) => [c, r[i] ?? null])));
}

const num = (v: Cell | undefined): number => (typeof v === "number" ? v : 0);

/** Sums of every numeric column of the today_vs_yesterday tile for one day (the day total). */
function daySums(rows: Row[], day: number): Map<string, number> {
  const sums = new Map<string, number>();
  for (const r of rows) {
    if (r.day !== day) continue;
    for (const [k, v] of Object.entries(r))
      if (typeof v === "number" && k !== "day") sums.set(k, (sums.get(k) ?? 0) + v);
  }
  return sums;
}

function kpiValue(kpi: Kpi, sums: Map<string, number>, players: number, ftd: number): number | null {
  if (kpi.id === "active_players") return players;
  if (kpi.id === "first_deposits") return ftd;
  const n = sums.get(kpi.numerator ?? "") ?? 0;
  const d = sums.get(kpi.denominator ?? "") ?? 0;
  if (kpi.unit === "%") return d === 0 ? null : (100 * n) / d;
  if (kpi.denominator) return n - d;
  return n;
}

function formatValue(kpi: Kpi, v: number | null): string {
  if (v === null) return "–";
  if (kpi.unit === "EUR") return "EUR " + eur(v);
  if (kpi.unit === "%") return v.toFixed(2) + "%";
  return count(v);
}

function perDay(rows: Row[], column: string, filter: (r: Row) => boolean = () => true): Map<number, number> {
  const m = new Map<number, number>();
  for (const r of rows) if (filter(r)) m.set(num(r.day), num(r[column]));
  return m;
}

function renderKpis(d: Dashboard, tiles: Map<string, Tile>, asOf: number): void {
  const today = Math.floor(asOf / DAY_US);
  const kpiRows = rowsOf(tiles.get("today_vs_yesterday"));
  const now = daySums(kpiRows, today);
  const before = daySums(kpiRows, today - 1);
  const players = perDay(rowsOf(tiles.get("players")), "players", (r) => r.level === 1);
  const ftd = perDay(rowsOf(tiles.get("first_deposits")), "ftd");
  const cut = new Date((Math.floor(asOf / 3600e6) * 3600 + 3600) * 1000).toISOString().slice(11, 16);
  const cards = d.kpis.map((k) => {
    const v = kpiValue(k, now, players.get(today) ?? 0, ftd.get(today) ?? 0);
    const y = kpiValue(k, before, players.get(today - 1) ?? 0, ftd.get(today - 1) ?? 0);
    let cmp = "yesterday to " + cut + " UTC: " + formatValue(k, y);
    let cls = "cmp";
    if (v !== null && y !== null && y !== 0 && k.unit !== "%") {
      const change = (100 * (v - y)) / Math.abs(y);
      cmp += " (" + (change >= 0 ? "+" : "") + change.toFixed(1) + "%)";
      cls += change >= 0 ? " up" : " down";
    }
    return el("article", { class: "card", "data-kpi": k.id },
      el("h3", {}, k.label),
      el("div", { class: "value", "data-value": v === null ? "" : String(v) }, formatValue(k, v)),
      el("div", { class: cls }, cmp),
      el("p", { class: "formula" }, "= " + k.formula),
      el("div", { class: "asof" }, "today " + dayLabel(today) + " · data as of " + utc(asOf)));
  });
  byId("kpis").replaceChildren(...cards);
}

function table(head: string[], body: HTMLTableRowElement[]): HTMLElement {
  return el("div", { class: "scroll" },
    el("table", {}, el("thead", {}, el("tr", {}, ...head.map((c) => el("th", {}, c)))), el("tbody", {}, ...body)));
}

function renderBreakdown(tile: Tile): HTMLElement {
  const body = rowsOf(tile).map((r) =>
    el("tr", {}, ...tile.columns.map((c, i) => {
      const v = r[c] ?? null;
      if (i === 0) return el("td", {}, v === "" || v === null ? "(unknown)" : v);
      return el("td", {}, c === "bets" ? count(num(v)) : eur(num(v)));
    })));
  return el("section", { class: "panel", "data-tile": tile.id },
    el("h2", {}, tile.title ?? tile.id, " ", el("small", {}, "EUR")),
    table(tile.columns.map((c) => c.replace(/_/g, " ")), body),
    el("p", { class: "formula" }, tile.note ?? ""));
}

/** Settlement lag today: bets won or lost, seconds from the last leg's event finishing. */
function renderLag(tile: Tile): HTMLElement {
  const r: Row = rowsOf(tile)[0] ?? {};
  const s = (v: Cell | undefined): string => (r.bets ? count(num(v)) + " s" : "–");
  return el("section", { class: "panel", "data-tile": tile.id },
    el("h2", {}, tile.title ?? tile.id, " ", el("small", {}, "seconds")),
    table(["bets", "p50", "p90", "max"],
      [el("tr", {}, el("td", {}, count(num(r.bets))), el("td", {}, s(r.p50_s)),
        el("td", {}, s(r.p90_s)), el("td", {}, s(r.max_s)))]),
    el("p", { class: "formula" }, tile.note ?? ""));
}

/** The trader view: open liability by selection (event, market, selection names). */
function renderTrader(tile: Tile | undefined): void {
  const box = byId("trader");
  if (!tile || tile.error) {
    box.replaceChildren();
    return;
  }
  const body = rowsOf(tile).map((r) =>
    el("tr", { "data-selection": String(r.selection_id) },
      el("td", {}, r.event || "event " + r.event_id),
      el("td", {}, r.market || "market " + r.market_id),
      el("td", {}, r.selection || "selection " + r.selection_id),
      el("td", {}, eur(num(r.liability))),
      el("td", {}, count(num(r.bets)))));
  box.replaceChildren(
    el("h2", {}, tile.title ?? tile.id, " ", el("small", {}, "EUR")),
    table(["event", "market", "selection", "open liability", "open bets"], body),
    el("p", { class: "formula" }, tile.note ?? ""));
}

/** SQL alerts (tote serve --alerts FILE): state, value and since which version. */
async function renderAlerts(): Promise<void> {
  const box = byId("alerts");
  const res = await fetch("/api/v1/alerts", { credentials: "same-origin" });
  if (!res.ok) return;
  const d = (await res.json()) as Alerts;
  box.hidden = d.alerts.length === 0;
  if (box.hidden) return;
  const rows = d.alerts.map((a) =>
    el("tr", { class: "alert " + a.state, "data-alert": a.id },
      el("td", {}, a.state),
      el("td", {}, a.title),
      el("td", {}, a.value === null ? "–" : count(a.value)),
      el("td", {}, a.reason),
      el("td", {}, a.since_version < 0 ? "" : "since version " + a.since_version)));
  box.replaceChildren(
    el("h2", {}, "Alerts ", el("small", {}, "evaluated at version " + d.evaluated_version)),
    el("div", { class: "scroll" }, el("table", {}, el("tbody", {}, ...rows))));
}

const chart = new SeriesChart(byId("series"));

async function render(target: VersionEvent): Promise<number> {
  // The event carries the tiles when the server computed them ahead; else read them.
  const d = target.dashboard ?? (await getJson<Dashboard>("/api/v1/dashboard"));
  const tiles = new Map(d.tiles.map((t) => [t.id, t]));
  const failed = d.tiles.filter((t) => t.error);
  const asOf = num(tiles.get("as_of")?.rows?.[0]?.[0]);
  renderKpis(d, tiles, asOf);
  const series = tiles.get("series");
  byId("series-note").textContent = "EUR, last 120 minutes to " + utc(asOf) + " · " + (series?.note ?? "");
  chart.update(new Map(rowsOf(series).map((r) => [num(r.minute_s), num(r.turnover)])), asOf);
  byId("breakdowns").replaceChildren(
    ...["by_country", "by_sport", "by_channel", "by_phase"]
      .map((id) => tiles.get(id))
      .filter((t): t is Tile => t !== undefined && !t.error)
      .map(renderBreakdown),
    ...[tiles.get("settlement_lag")]
      .filter((t): t is Tile => t !== undefined && !t.error)
      .map(renderLag));
  renderTrader(tiles.get("liability"));
  await renderAlerts();
  const lag = target.committed_at_ms ? Date.now() - target.committed_at_ms : null;
  setStatus("live", "live · warehouse version " + d.version + " · data as of " + utc(asOf) +
    (lag !== null ? " · updated " + lag + " ms after the commit" : "") +
    (failed.length ? " · " + failed.length + " tile(s) failed: " + failed.map((t) => t.error).join("; ") : ""));
  return d.version;
}

onVersions(latestOnly(render));

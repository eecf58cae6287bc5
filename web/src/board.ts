// tote's dashboards as code (page /board): the `dashboards:` of the server's queries file, each
// a list of saved queries shown together, each as its chart (uPlot line or bar of x against y)
// and its table, run with its parameters' defaults; refreshed on each warehouse version.
import uPlot from "uplot";
import type { VersionEvent } from "./api";
import { byId, el, latestOnly, onVersions, setStatus } from "./dom";

interface Result { meta: { name: string; type: string }[]; data: unknown[][]; rows: number }
interface SavedQuery { id: string; title: string; chart: string; x: string; y: string }
interface Board { id: string; title: string; queries: string[] }
interface Saved { queries: SavedQuery[]; dashboards: Board[] }

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;
const plots = new Map<string, uPlot>();
let saved: Saved = { queries: [], dashboards: [] };

function cell(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function chart(box: HTMLElement, q: SavedQuery, r: Result): void {
  plots.get(q.id)?.destroy();
  plots.delete(q.id);
  box.replaceChildren();
  const xi = r.meta.findIndex((m) => m.name === q.x);
  const yi = r.meta.findIndex((m) => m.name === q.y);
  if (q.chart === "table" || xi < 0 || yi < 0 || r.rows === 0) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const xNumeric = NUMERIC.test(r.meta[xi]!.type) && q.chart !== "bar";
  const labels = r.data.map((row) => cell(row[xi]));
  const xs = r.data.map((row, n) => (xNumeric ? Number(row[xi]) : n));
  const ys = r.data.map((row) => (row[yi] === null ? null : Number(row[yi])));
  const width = Math.max(200, (box.parentElement?.clientWidth ?? 344) - 24);
  const bars = q.chart === "bar" ? uPlot.paths.bars?.({ size: [0.7, 60] }) : undefined;
  const plot = new uPlot({
    width,
    height: width < 480 ? 180 : 240,
    scales: { x: { time: false, ...(xNumeric ? {} : {
      range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min - 0.5, max + 0.5] }) } },
    axes: [{
      ...(xNumeric || xs.length > 24 ? {} : { splits: () => xs }),
      values: (_u, splits) => splits.map((s) => (xNumeric ? String(s) : labels[s] ?? "")),
    }, { size: 70 }],
    series: [
      { label: q.x, value: (_u, v) => (v == null ? "–" : xNumeric ? String(v) : labels[v] ?? "") },
      { label: q.y, stroke: "#2f6fde", width: 2, ...(bars ? { paths: bars, fill: "#2f6fde99" } : {}) },
    ],
  }, [xs, ys], box);
  plots.set(q.id, plot);
  box.dataset.points = String(xs.length);
}

async function panel(q: SavedQuery): Promise<HTMLElement> {
  const box = el("section", { class: "panel", "data-query": q.id });
  const res = await fetch("/api/v1/queries/" + encodeURIComponent(q.id), { credentials: "same-origin" });
  if (!res.ok) {
    box.append(el("h2", {}, q.title), el("p", { class: "rule error" }, await res.text()));
    return box;
  }
  const r = (await res.json()) as Result;
  const plotBox = el("div", { class: "board-chart" });
  const head = el("tr", {}, ...r.meta.map((m) => el("th", { title: m.type }, m.name)));
  const body = r.data.map((row) => el("tr", {}, ...row.map((v) => el("td", {}, cell(v)))));
  box.append(el("h2", {}, q.title + " ", el("small", {}, r.rows + " row(s)")), plotBox,
    el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body))));
  box.dataset.rows = String(r.rows);
  // Drawn once the panel is in the page (uPlot measures its box).
  requestAnimationFrame(() => chart(plotBox, q, r));
  return box;
}

// Saved queries are people's statements, run per viewer (not cached like the tiles): a board
// is refreshed on a version event at most once every MIN_INTERVAL_MS.
const MIN_INTERVAL_MS = 10000;
let lastLoad = 0;
let lastVersion = 0;

async function render(e?: VersionEvent): Promise<number> {
  if (e) lastVersion = e.version;
  const wait = lastLoad + MIN_INTERVAL_MS - Date.now();
  if (e && lastLoad && wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastLoad = Date.now();
  const select = byId<HTMLSelectElement>("board");
  const board = saved.dashboards.find((b) => b.id === select.value) ?? saved.dashboards[0];
  const box = byId("panels");
  if (!board) {
    box.replaceChildren(el("p", { class: "rule" },
      "no dashboards in the server's queries file (a `dashboards:` list; docs/operations.md)"));
    setStatus("live", "no dashboards");
    return lastVersion;
  }
  const queries = board.queries
    .map((id) => saved.queries.find((q) => q.id === id))
    .filter((q): q is SavedQuery => q !== undefined);
  const panels = await Promise.all(queries.map(panel));
  box.replaceChildren(...panels);
  box.dataset.board = board.id;
  setStatus("live", board.title + " · " + panels.length + " queries · updated " +
    new Date().toISOString().slice(11, 19) + " UTC · warehouse version " + lastVersion);
  return lastVersion;
}

async function start(): Promise<void> {
  const res = await fetch("/api/v1/queries", { credentials: "same-origin" });
  saved = (await res.json()) as Saved;
  const select = byId<HTMLSelectElement>("board");
  select.replaceChildren(...saved.dashboards.map((b) => el("option", { value: b.id }, b.title)));
  const wanted = new URLSearchParams(location.search).get("id");
  if (wanted) select.value = wanted;
  select.addEventListener("change", () => void render());
  onVersions(latestOnly(render));
}

void start();

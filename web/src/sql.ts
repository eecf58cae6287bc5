// tote's SQL page: the editor (one reading statement, GET /api/v1/sql, answered as JSONCompact),
// the saved queries of the server's --queries file (GET /api/v1/queries: a form of their
// parameters, run at /api/v1/queries/ID, CSV at /api/v1/queries/ID.csv) and a schema browser
// (GET /api/v1/schema: tables and their columns; a click inserts the column's name). A result
// shows as a table and as a line or bar chart (uPlot).
import uPlot from "uplot";
import { byId, el } from "./dom";

/** ClickHouse's JSONCompact (64-bit integers arrive as strings). */
interface Result {
  meta: { name: string; type: string }[];
  data: unknown[][];
  rows: number;
  statistics?: { elapsed: number; rows_read: number; bytes_read: number };
}

interface SavedParam { name: string; type: string; default: string; required: boolean; label: string }
interface SavedQuery { id: string; title: string; sql: string; chart: string; x: string; y: string; params: SavedParam[] }

const MAX_SERIES = 6;
const COLOURS = ["#2f6fde", "#e4572e", "#29a36a", "#9b5de5", "#f2a541", "#4a5266"];
const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

let plot: uPlot | null = null;
let saved: SavedQuery[] = [];
/** The query_id of the statement running now (sent with it; Cancel names it), or null. */
let running: string | null = null;

function newQueryId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return "tote-ui-" + [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function renderTable(r: Result, title: string): void {
  const box = byId("sql-result");
  const head = el("tr", {}, ...r.meta.map((m) => el("th", { title: m.type }, m.name)));
  const body = r.data.map((row) => el("tr", {}, ...row.map((v) => el("td", {}, cell(v)))));
  box.replaceChildren(
    el("h2", {}, title + " ", el("small", {}, r.rows + " row(s)")),
    el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body))));
  box.hidden = false;
}

/** Series against the x column: `y` alone when named (a saved query's chart), else the numeric
 * columns after the first against the first. A numeric x in a line chart is a scale; any other
 * x is one evenly spaced category per row, labelled with the value. */
function renderChart(r: Result, kind: string, xName?: string, yName?: string): void {
  const panel = byId("sql-chart-panel");
  const box = byId("sql-chart");
  plot?.destroy();
  plot = null;
  box.replaceChildren();
  delete box.dataset.points;
  const xi = xName ? r.meta.findIndex((m) => m.name === xName) : 0;
  const cols = r.meta.map((m, i) => ({ m, i }));
  const ys = yName
    ? cols.filter(({ m }) => m.name === yName)
    : cols.filter(({ m, i }) => i !== xi && NUMERIC.test(m.type)).slice(0, MAX_SERIES);
  const xm = r.meta[xi];
  const note = byId("sql-chart-note");
  box.dataset.series = String(ys.length);
  box.dataset.kind = kind;
  if (kind === "none" || kind === "table" || r.rows === 0 || ys.length === 0 || !xm) {
    panel.hidden = kind === "none" || kind === "table";
    note.textContent = panel.hidden ? "" : "a chart needs rows and a numeric column besides x";
    return;
  }
  const xNumeric = NUMERIC.test(xm.type) && kind !== "bar";
  const labels = r.data.map((row) => cell(row[xi]));
  const xs = r.data.map((row, n) => (xNumeric ? Number(row[xi]) : n));
  const categories = xNumeric ? {} : {
    range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min - 0.5, max + 0.5],
  };
  const data: uPlot.AlignedData = [xs, ...ys.map(({ i }) => r.data.map((row) => (row[i] === null ? null : Number(row[i]))))];
  panel.hidden = false;
  const width = Math.max(200, box.clientWidth || byId("sql-result").clientWidth);
  const bars = kind === "bar" ? uPlot.paths.bars?.({ size: [0.7, 60] }) : undefined;
  note.textContent = ys.map(({ m }) => m.name).join(", ") + " by " + xm.name;
  plot = new uPlot({
    width,
    height: width < 480 ? 200 : 280,
    scales: { x: { time: false, ...categories } },
    axes: [{
      ...(xNumeric || xs.length > 24 ? {} : { splits: () => xs }),
      values: (_u, splits) => splits.map((s) => (xNumeric ? String(s) : labels[s] ?? "")),
    }, { size: 70 }],
    series: [
      { label: xm.name, value: (_u, v) => (v == null ? "–" : xNumeric ? String(v) : labels[v] ?? "") },
      ...ys.map(({ m }, n) => ({
        label: m.name,
        stroke: COLOURS[n % COLOURS.length]!,
        width: 2,
        ...(bars ? { paths: bars, fill: COLOURS[n % COLOURS.length]! + "99" } : {}),
      })),
    ],
  }, data, box);
  box.dataset.points = String(xs.length);
}

/** Runs one request answered as JSONCompact, under a new query_id (so Cancel can stop it);
 * shows its rows, or its refusal in `status`. */
async function runUrl(url: string, status: HTMLElement, button: HTMLButtonElement, title: string,
  show: (r: Result) => void): Promise<void> {
  delete document.body.dataset.rows;
  delete document.body.dataset.error;
  delete document.body.dataset.queryId;
  for (const s of [byId("sql-status"), byId("saved-status")]) {
    s.className = "rule";
    s.textContent = "";
  }
  const id = newQueryId();
  running = id;
  button.disabled = true;
  for (const c of document.querySelectorAll<HTMLButtonElement>("button.cancel")) c.disabled = false;
  document.body.dataset.queryId = id;
  status.textContent = "running…";
  try {
    const res = await fetch(url + "&" + new URLSearchParams({ query_id: id }).toString(), { credentials: "same-origin" });
    const text = await res.text();
    if (!res.ok) throw new Error(text.trim());
    const r = JSON.parse(text) as Result;
    renderTable(r, title);
    show(r);
    const st = r.statistics;
    status.textContent = r.rows + " row(s)" + (st ? ` in ${(st.elapsed * 1000).toFixed(0)} ms, ${st.rows_read} rows read` : "");
    document.body.dataset.rows = String(r.rows);
  } catch (e) {
    status.className = "rule error";
    status.textContent = e instanceof Error ? e.message : String(e);
    document.body.dataset.error = status.textContent;
  } finally {
    button.disabled = false;
    running = null;
    for (const c of document.querySelectorAll<HTMLButtonElement>("button.cancel")) c.disabled = true;
  }
}

/** Asks the server to stop the running statement; says what it answered (the statement's own
 * request then ends with "cancelled"). */
async function cancelRunning(status: HTMLElement): Promise<void> {
  const id = running;
  if (!id) return;
  const url = "/api/v1/sql/cancel?" + new URLSearchParams({ query_id: id }).toString();
  let res = await fetch(url, { credentials: "same-origin" });
  // 404: the statement's request has not reached the server yet (a click at its very start).
  for (let tries = 0; res.status === 404 && running === id && tries < 20; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    res = await fetch(url, { credentials: "same-origin" });
  }
  const text = (await res.text()).trim();
  document.body.dataset.cancel = String(res.status);
  if (!res.ok) {
    status.className = "rule error";
    status.textContent = text;
  }
}

async function run(): Promise<void> {
  const sql = byId<HTMLTextAreaElement>("sql").value.trim();
  await runUrl("/api/v1/sql?" + new URLSearchParams({ query: sql }).toString(), byId("sql-status"),
    byId<HTMLButtonElement>("run"), "Result", (r) => renderChart(r, byId<HTMLSelectElement>("chart-kind").value));
}

// Saved queries.

function selectedQuery(): SavedQuery | undefined {
  const id = byId<HTMLSelectElement>("saved-query").value;
  return saved.find((q) => q.id === id);
}

/** ?param_NAME=VALUE for each field of the form (as typed: the server checks and binds them). */
function savedParams(): URLSearchParams {
  const p = new URLSearchParams();
  for (const input of byId("saved-params").querySelectorAll<HTMLInputElement>("input[data-param]"))
    p.set("param_" + input.dataset.param!, input.value);
  return p;
}

function updateCsvLink(): void {
  const q = selectedQuery();
  if (q) byId<HTMLAnchorElement>("saved-csv").href = `/api/v1/queries/${encodeURIComponent(q.id)}.csv?${savedParams().toString()}`;
}

function inputFor(p: SavedParam): HTMLInputElement {
  const type = p.type === "Date" ? "date"
    : /^U?Int64$/.test(p.type) ? "number" : p.type === "Float64" ? "text" : "text";
  const input = el("input", { type, name: p.name, "data-param": p.name, "data-type": p.type, value: p.default });
  if (type === "number") input.step = "1";
  if (p.type === "Float64") input.inputMode = "decimal";
  if (p.required) input.required = true;
  input.addEventListener("input", updateCsvLink);
  return input;
}

function chooseSaved(): void {
  const q = selectedQuery();
  const form = byId("saved-form");
  form.hidden = !q;
  if (!q) return;
  byId("saved-params").replaceChildren(...q.params.map((p) =>
    el("label", {}, (p.label || p.name) + " (" + p.type + ")", inputFor(p))));
  byId("saved-sql").textContent = q.sql;
  updateCsvLink();
}

async function runSaved(): Promise<void> {
  const q = selectedQuery();
  if (!q) return;
  updateCsvLink();
  await runUrl(`/api/v1/queries/${encodeURIComponent(q.id)}?${savedParams().toString()}`, byId("saved-status"),
    byId<HTMLButtonElement>("saved-run"), q.title, (r) => renderChart(r, q.chart, q.x || undefined, q.y || undefined));
}

async function loadSaved(): Promise<void> {
  const res = await fetch("/api/v1/queries", { credentials: "same-origin" });
  if (!res.ok) throw new Error("saved queries: HTTP " + res.status + ": " + (await res.text()));
  saved = ((await res.json()) as { queries: SavedQuery[] }).queries;
  const select = byId<HTMLSelectElement>("saved-query");
  select.append(...saved.map((q) => el("option", { value: q.id }, q.title)));
  if (saved.length === 0) byId("saved-panel").append(el("p", { class: "rule" },
    "none: start tote serve with --queries dashboards/queries.yaml"));
  document.body.dataset.saved = String(saved.length);
}

// The schema browser.

function insertColumn(name: string): void {
  const editor = byId<HTMLTextAreaElement>("sql");
  editor.setRangeText(name, editor.selectionStart, editor.selectionEnd, "end");
  editor.focus();
}

async function loadSchema(): Promise<void> {
  const box = byId("schema");
  try {
    const res = await fetch("/api/v1/schema", { credentials: "same-origin" });
    if (!res.ok) throw new Error("HTTP " + res.status + ": " + (await res.text()).trim());
    const rows = ((await res.json()) as { data: { table: string; name: string; type: string }[] }).data;
    const tables = new Map<string, { name: string; type: string }[]>();
    for (const r of rows) {
      if (!tables.has(r.table)) tables.set(r.table, []);
      tables.get(r.table)!.push(r);
    }
    box.replaceChildren(...[...tables].map(([table, cols]) => el("details", { "data-table": table },
      el("summary", {}, table),
      el("ul", {}, ...cols.map((c) => {
        const b = el("button", { type: "button", "data-column": c.name, title: "insert " + c.name },
          c.name + " ", el("small", {}, c.type));
        b.addEventListener("click", () => insertColumn(c.name));
        return el("li", {}, b);
      })))));
    document.body.dataset.tables = String(tables.size);
  } catch (e) {
    box.replaceChildren(el("p", { class: "rule error" }, e instanceof Error ? e.message : String(e)));
  }
}

byId("sql-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void run();
});
byId("sql").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    void run();
  }
});
byId("saved-query").addEventListener("change", chooseSaved);
byId("cancel").addEventListener("click", () => void cancelRunning(byId("sql-status")));
byId("saved-cancel").addEventListener("click", () => void cancelRunning(byId("saved-status")));
byId("saved-form").addEventListener("submit", (e) => {
  e.preventDefault();
  void runSaved();
});
void loadSchema();
loadSaved().catch((e: unknown) => {
  byId("saved-panel").append(el("p", { class: "rule error" }, e instanceof Error ? e.message : String(e)));
});

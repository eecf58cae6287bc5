// tote's SQL editor: one reading statement (GET /api/v1/sql, answered as JSONCompact), its
// result as a table and as a line or bar chart (uPlot) of the numeric columns against the first.
import uPlot from "uplot";
import { byId, el } from "./dom";

/** ClickHouse's JSONCompact (64-bit integers arrive as strings). */
interface Result {
  meta: { name: string; type: string }[];
  data: unknown[][];
  rows: number;
  statistics?: { elapsed: number; rows_read: number; bytes_read: number };
}

const MAX_SERIES = 6;
const COLOURS = ["#2f6fde", "#e4572e", "#29a36a", "#9b5de5", "#f2a541", "#4a5266"];
const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;

let plot: uPlot | null = null;

function cell(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function renderTable(r: Result): void {
  const box = byId("sql-result");
  const head = el("tr", {}, ...r.meta.map((m) => el("th", { title: m.type }, m.name)));
  const body = r.data.map((row) => el("tr", {}, ...row.map((v) => el("td", {}, cell(v)))));
  box.replaceChildren(
    el("h2", {}, "Result ", el("small", {}, r.rows + " row(s)")),
    el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body))));
  box.hidden = false;
}

/** The numeric columns after the first, as series against the first column: its values when
 * numeric in a line chart, else one evenly spaced category per row, labelled with the value. */
function renderChart(r: Result, kind: string): void {
  const panel = byId("sql-chart-panel");
  const box = byId("sql-chart");
  plot?.destroy();
  plot = null;
  box.replaceChildren();
  const ys = r.meta.map((m, i) => ({ m, i })).filter(({ m, i }) => i > 0 && NUMERIC.test(m.type)).slice(0, MAX_SERIES);
  const note = byId("sql-chart-note");
  box.dataset.series = String(ys.length);
  if (kind === "none" || r.rows === 0 || ys.length === 0 || !r.meta[0]) {
    panel.hidden = kind === "none";
    note.textContent = kind === "none" ? "" : "a chart needs rows and a numeric column after the first";
    return;
  }
  const xNumeric = NUMERIC.test(r.meta[0].type) && kind !== "bar";
  const labels = r.data.map((row) => cell(row[0]));
  const xs = r.data.map((row, n) => (xNumeric ? Number(row[0]) : n));
  const categories = xNumeric ? {} : {
    range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax => [min - 0.5, max + 0.5],
  };
  const data: uPlot.AlignedData = [xs, ...ys.map(({ i }) => r.data.map((row) => (row[i] === null ? null : Number(row[i]))))];
  const width = Math.max(200, box.clientWidth || byId("sql-result").clientWidth);
  const bars = kind === "bar" ? uPlot.paths.bars?.({ size: [0.7, 60] }) : undefined;
  panel.hidden = false;
  note.textContent = ys.map(({ m }) => m.name).join(", ") + " by " + r.meta[0].name;
  plot = new uPlot({
    width,
    height: width < 480 ? 200 : 280,
    scales: { x: { time: false, ...categories } },
    axes: [{
      ...(xNumeric || xs.length > 24 ? {} : { splits: () => xs }),
      values: (_u, splits) => splits.map((s) => (xNumeric ? String(s) : labels[s] ?? "")),
    }, { size: 70 }],
    series: [
      { label: r.meta[0].name, value: (_u, v) => (v == null ? "–" : xNumeric ? String(v) : labels[v] ?? "") },
      ...ys.map(({ m }, n) => ({
        label: m.name,
        stroke: COLOURS[n % COLOURS.length]!,
        width: 2,
        ...(bars ? { paths: bars, fill: COLOURS[n % COLOURS.length]! + "99" } : {}),
      })),
    ],
  }, data, box);
  box.dataset.points = String(xs.length);
  box.dataset.kind = kind;
}

async function run(): Promise<void> {
  const sql = (byId<HTMLTextAreaElement>("sql")).value.trim();
  const status = byId("sql-status");
  const button = byId<HTMLButtonElement>("run");
  delete document.body.dataset.rows;
  delete document.body.dataset.error;
  button.disabled = true;
  status.className = "rule";
  status.textContent = "running…";
  try {
    const res = await fetch("/api/v1/sql?" + new URLSearchParams({ query: sql }).toString(),
      { credentials: "same-origin" });
    const text = await res.text();
    if (!res.ok) throw new Error(text.trim());
    const r = JSON.parse(text) as Result;
    renderTable(r);
    renderChart(r, byId<HTMLSelectElement>("chart-kind").value);
    const st = r.statistics;
    status.textContent = r.rows + " row(s)" + (st ? ` in ${(st.elapsed * 1000).toFixed(0)} ms, ${st.rows_read} rows read` : "");
    document.body.dataset.rows = String(r.rows);
  } catch (e) {
    status.className = "rule error";
    status.textContent = e instanceof Error ? e.message : String(e);
    document.body.dataset.error = status.textContent;
  } finally {
    button.disabled = false;
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

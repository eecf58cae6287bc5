// tote's data-quality page: on each warehouse version (server-sent events) reads every check
// once from /api/v1/quality; a row of the ETL-log or dead-letter check opens its drill-down.
import { type Quality, type QualityCheck, type QualityRows, type Status, getJson } from "./api";
import { byId, el, latestOnly, onVersions, setStatus } from "./dom";
import { utcMs } from "./format";

function badge(status: Status): HTMLSpanElement {
  return el("span", { class: "badge " + status.replace("/", "") }, status);
}

/** Raw bytes of a dead letter: {text} (UTF-8) or {hex}. */
function raw(v: object): string {
  if ("text" in v) return String(v.text);
  if ("hex" in v) return "hex: " + String(v.hex);
  return JSON.stringify(v);
}

function show(col: string, v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "object") return raw(v);
  if (typeof v === "number" && col.endsWith("_ms") && !col.startsWith("behind")) return utcMs(v) + " (" + v + ")";
  return String(v);
}

function table(columns: string[], rows: unknown[][], onPick?: (r: unknown[]) => void): HTMLElement {
  const body = rows.map((r) => {
    const tr = el("tr", onPick ? { class: "pick", tabindex: "0" } : {},
      ...columns.map((c, i) => {
        const v = r[i];
        if (c === "status") return el("td", {}, badge(v as Status));
        return el("td", typeof v === "object" && v !== null ? { class: "raw" } : {}, show(c, v));
      }));
    if (onPick) {
      tr.addEventListener("click", () => onPick(r));
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter") onPick(r);
      });
    }
    return tr;
  });
  return el("div", { class: "scroll" },
    el("table", {}, el("thead", {}, el("tr", {}, ...columns.map((c) => el("th", {}, c.replace(/_/g, " "))))),
      el("tbody", {}, ...body)));
}

type DrillKind = "etl_log" | "dead_letters";
let drill: { kind: DrillKind; params: Record<string, string>; page: number } | null = null;

async function openDrill(kind: DrillKind, params: Record<string, string>, page: number): Promise<void> {
  drill = { kind, params, page };
  const q = new URLSearchParams({ ...params, page: String(page) });
  const box = byId("drill");
  box.hidden = false;
  try {
    const d = await getJson<QualityRows>("/api/v1/quality/" + kind + "?" + q.toString());
    const title = kind === "etl_log" ? "ETL log entries in force: rule " + d.rule
      : "Dead letters: stage " + d.stage + " · " + d.reason;
    const prev = el("button", page > 0 ? {} : { disabled: "" }, "previous");
    const next = el("button", d.rows.length === d.page_rows ? {} : { disabled: "" }, "next");
    prev.addEventListener("click", () => void openDrill(kind, params, page - 1));
    next.addEventListener("click", () => void openDrill(kind, params, page + 1));
    box.replaceChildren(el("h2", {}, title, " ", el("small", {}, "page " + (page + 1) + " · version " + d.version)),
      table(d.columns, d.rows), el("p", {}, prev, " ", next));
    box.dataset.rows = String(d.rows.length);
  } catch (e) {
    box.replaceChildren(el("p", { class: "error" }, "error: " + (e instanceof Error ? e.message : String(e))));
  }
}

function renderCheck(c: QualityCheck): HTMLElement {
  let onPick: ((r: unknown[]) => void) | undefined;
  if (c.id === "etl_log") onPick = (r) => void openDrill("etl_log", { rule: String(r[0]) }, 0);
  if (c.id === "dead_letters")
    onPick = (r) => void openDrill("dead_letters", { stage: String(r[0]), reason: String(r[1]) }, 0);
  const parts: HTMLElement[] = [
    el("h2", {}, badge(c.status), " ", c.title, " ", el("small", {}, c.summary ?? "")),
    el("p", { class: "rule" }, "Rule: " + c.rule),
  ];
  if (c.error) parts.push(el("p", { class: "error" }, "error: " + c.error));
  else if (c.rows.length) parts.push(table(c.columns, c.rows, onPick));
  else parts.push(el("p", { class: "rule" }, "no rows"));
  parts.push(el("p", { class: "history" }, "history: ",
    ...(c.history ?? []).map(([v, s]) => {
      const b = badge(s);
      b.title = "version " + v;
      return b;
    })));
  return el("section", { class: "panel", "data-check": c.id, "data-status": c.status }, ...parts);
}

// Checks may scan every landing table: the page reads them on a version event at most once
// every MIN_INTERVAL_MS (the newest version then), not on every commit of a busy warehouse.
const MIN_INTERVAL_MS = 5000;
let lastLoad = 0;
let loadedOnce = false;

async function render(): Promise<number> {
  const wait = lastLoad + MIN_INTERVAL_MS - Date.now();
  if (loadedOnce && wait > 0) await new Promise((r) => setTimeout(r, wait));
  lastLoad = Date.now();
  const d = await getJson<Quality>("/api/v1/quality");
  loadedOnce = true;
  byId("checks").replaceChildren(...d.checks.map(renderCheck));
  const counts = new Map<string, number>();
  for (const c of d.checks) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  setStatus("live", "live · warehouse version " + d.version + " · " +
    [...counts].map(([k, n]) => n + " " + k).join(", "));
  if (drill) void openDrill(drill.kind, drill.params, drill.page);
  return d.version;
}

interface DashboardVersion {
  version: number;
  file: string;
  applied_at: string;
  diff: string;
}

/** Dashboards as code: every version `tote dashboards apply` made, newest first, with its diff. */
async function renderDashboards(): Promise<void> {
  const box = byId("dashboards");
  const d = await getJson<{ versions: DashboardVersion[] }>("/api/v1/dashboards/history");
  box.hidden = d.versions.length === 0;
  box.replaceChildren(
    el("h2", {}, "Dashboards as code ", el("small", {}, "versions applied by tote dashboards apply")),
    ...d.versions.map((v) =>
      el("details", { "data-version": String(v.version) },
        el("summary", {}, "version " + v.version + " · " + v.file + " · applied " + v.applied_at),
        el("pre", { class: "diff" }, v.diff))));
}

void renderDashboards();
onVersions(latestOnly(render));

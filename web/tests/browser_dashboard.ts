// browser_dashboard (ctest): the dashboard and the data-quality page in Debian's Chromium, driven
// by playwright-core (no browser of Playwright's own), over `tote ingest --follow` on a small
// simulated log that `tote simulate` grows while the page is open:
//   1. the page's tiles (KPI cards, pre-match/in-play table, per-minute chart) equal the same
//      figures computed by SQL run directly (`tote query`, through the running process);
//   2. simulating more (the log grows) makes the page show the new version and the new values
//      without a reload (server-sent events);
//   3. the data-quality page renders every check of GET /api/v1/quality with its status;
//   4. the SQL editor of `tote serve` runs a statement: its table equals `tote query`'s rows and
//      it renders as a bar and a line chart; a statement that would write is refused;
//   4b. the saved queries of `tote serve --queries dashboards/queries.yaml`: one with parameters
//      renders its line chart and its table equals the same SQL with the literals bound here, run
//      by `tote query`; the CSV link downloads the same rows; a date that is not a calendar day is
//      refused and the page shows why; an injection attempt in a String parameter returns no rows
//      and the tables keep theirs; the schema browser lists fact_bet's columns as `tote query`
//      reads them from system.columns, and a click inserts a column's name into the editor;
//   5. screenshots at desktop and phone (390 px) width are kept in OUTDIR; at 390 px nothing is
//      wider than the screen; no page logs an error (a Content-Security-Policy refusal included).
// Every wait is on a condition with a timeout. Usage:
//   node browser_dashboard.mjs TOTE_BINARY WEB_DIR OUTDIR   (WEB_DIR: where playwright-core is)
import { type ChildProcessWithoutNullStreams, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Page } from "playwright-core";

const CHROMIUM = process.env.TOTE_CHROMIUM ?? "/usr/bin/chromium";
// A second run with a larger --max-events goes on with the same workload (the log grows).
const simulate = (events: number) =>
  ["simulate", "--max-events", String(events), "--seed", "15", "--players", "200", "--events", "20"];
const DAY_US = 86400n * 1000000n;
const WAIT_MS = 60000;

const [tote, webDir, outDir] = process.argv.slice(2);
if (!tote || !webDir || !outDir) {
  console.error("usage: node browser_dashboard.mjs TOTE_BINARY WEB_DIR OUTDIR");
  process.exit(2);
}

let passed = 0;
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error("FAILED: " + what);
  passed++;
  console.log("ok: " + what);
}

if (!existsSync(CHROMIUM))
  throw new Error(`FAILED: Debian's Chromium is not at ${CHROMIUM}: the browser tests need it ` +
    "(scripts/install-deps.sh --tests installs the apt package chromium; TOTE_CHROMIUM names another)");
const require = createRequire(join(webDir, "package.json"));
const { chromium } = require("playwright-core") as typeof import("playwright-core");

/** Records in the embedded log (src/source/file_log_format.h: each is u32 payload length, u32
 * crc, payload): the warehouse version once they are all ingested. */
function recordsIn(log: Buffer): number {
  let n = 0;
  for (let pos = 0; pos + 8 <= log.length; pos += 8 + log.readUInt32LE(pos)) n++;
  return n;
}

function runTote(data: string, ...args: string[]): string {
  return execFileSync(tote!, ["--data-dir", data, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
}

/** Rows of a statement run directly by `tote query` (TabSeparated). */
function query(data: string, sql: string): string[][] {
  const out = runTote(data, "query", sql, "--format", "TabSeparated").trim();
  return out ? out.split("\n").map((l) => l.split("\t")) : [];
}

/** The `sql: >` text of saved query `id` in a queries file (a folded YAML block: its lines
 * joined by spaces), read here without the server's parser. */
function savedSql(yaml: string, id: string): string {
  const lines = yaml.split("\n");
  let i = lines.findIndex((l) => l.trim() === "- id: " + id);
  if (i < 0) throw new Error(`FAILED: no saved query ${id} in the queries file`);
  while (i < lines.length && !/^\s+sql: >\s*$/.test(lines[i]!)) i++;
  const indent = lines[i]!.indexOf("sql:");
  const out: string[] = [];
  for (i++; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() !== "" && l.length - l.trimStart().length <= indent) break;
    out.push(l.trim());
  }
  return out.join(" ").trim();
}

/** CSVWithNames of plain values (no commas or quotes inside) -> rows of strings, header first. */
function csvRows(text: string): string[][] {
  return text.trim().split("\n").map((l) => l.split(",").map((v) => v.replace(/^"(.*)"$/, "$1")));
}

/** The first line `tote` prints that matches, or an error after WAIT_MS. */
function firstLine(proc: ChildProcessWithoutNullStreams, re: RegExp): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    const timer = setTimeout(() => reject(new Error(`FAILED: tote printed no line ${re} within ${WAIT_MS} ms`)), WAIT_MS);
    lines.on("line", (line) => {
      const m = line.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    });
    proc.on("exit", (code) => reject(new Error(`FAILED: tote exited (${code}) before printing ${re}`)));
  });
}

async function stop(proc: ChildProcessWithoutNullStreams): Promise<number | null> {
  if (proc.exitCode !== null) return proc.exitCode;
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  proc.kill("SIGINT");
  return exited;
}

/** What the dashboard should show, computed here by SQL on the facts (latest versions through
 * FINAL), not by the tiles' own statements. */
interface Expected {
  asOfUs: bigint;
  phases: Map<string, [number, number]>; // today: phase -> [turnover cents, bets]
  turnover: number;
  bets: number;
  seriesTotal: number; // turnover of the 120 minutes up to the newest fact's minute
}

function expected(data: string): Expected {
  const asOfUs = BigInt(query(data, "SELECT toInt64(max(t)) FROM (SELECT max(placed_at_us) AS t FROM " +
    "tote.fact_bet UNION ALL SELECT max(created_at_us) AS t FROM tote.fact_wallet_transaction)")[0]![0]!);
  const dayStart = (asOfUs / DAY_US) * DAY_US;
  const accepted = "FROM tote.fact_bet FINAL WHERE status != 'void' AND status != 'deleted'";
  const phases = new Map<string, [number, number]>();
  for (const [phase, turnover, bets] of query(data, "SELECT if(live = 1, 'in-play', 'pre-match'), " +
    `sum(stake_eur_cents), count() ${accepted} AND placed_at_us >= ${dayStart} AND ` +
    `placed_at_us < ${dayStart + DAY_US} GROUP BY live`))
    phases.set(phase!, [Number(turnover), Number(bets)]);
  const end = (asOfUs / 60000000n + 1n) * 60000000n;
  const series = query(data, `SELECT sum(stake_eur_cents) ${accepted} AND placed_at_us >= ` +
    `${end - 120n * 60000000n} AND placed_at_us < ${end}`);
  let turnover = 0;
  let bets = 0;
  for (const [t, b] of phases.values()) {
    turnover += t;
    bets += b;
  }
  return { asOfUs, phases, turnover, bets, seriesTotal: Number(series[0]?.[0] ?? 0) };
}

/** "1,234.56" -> 123456 (integer cents). */
function cents(text: string): number {
  const m = text.trim().match(/^(-?)([\d,]+)\.(\d\d)$/);
  if (!m) throw new Error(`FAILED: ${JSON.stringify(text)} is not an amount`);
  return (m[1] ? -1 : 1) * (Number(m[2]!.replace(/,/g, "")) * 100 + Number(m[3]));
}

function utc(us: bigint): string {
  return new Date(Number(us / 1000n)).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/** Until the page shows this warehouse version (its tiles are rendered at it). */
async function shows(page: Page, version: number): Promise<void> {
  await page.waitForFunction((v) => document.body.dataset.version === v, String(version), { timeout: WAIT_MS });
}

async function pageEquals(page: Page, want: Expected, version: number): Promise<void> {
  const kpi = async (id: string) => Number(await page.getAttribute(`[data-kpi=${id}] .value`, "data-value"));
  check(await kpi("turnover") === want.turnover && await kpi("bets") === want.bets,
    `version ${version}: the turnover and bets cards (EUR cents ${await kpi("turnover")}, ${await kpi("bets")} ` +
    `bets) equal SQL on fact_bet for today (${want.turnover}, ${want.bets})`);
  const rows = await page.$$eval("[data-tile=by_phase] tbody tr",
    (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
  const got = new Map(rows.map(([phase, turnover, bets]) =>
    [phase!, [cents(turnover!), Number(bets!.replace(/,/g, ""))] as [number, number]]));
  check(JSON.stringify([...got].sort()) === JSON.stringify([...want.phases].sort()) && got.size > 0,
    `version ${version}: the pre-match/in-play table ${JSON.stringify([...got])} equals SQL's`);
  const total = Number(await page.getAttribute("#series", "data-total"));
  check(total === want.seriesTotal && total > 0 && (await page.locator("#series canvas").count()) > 0,
    `version ${version}: the per-minute chart (uPlot canvas) sums to SQL's turnover of the last 120 minutes (${total})`);
  const status = (await page.textContent("#status")) ?? "";
  check(status.includes("warehouse version " + version) && status.includes("data as of " + utc(want.asOfUs)),
    `version ${version}: the status line names the version and the newest fact's time: ${status}`);
}

let current: Page | null = null;
let problems: string[] = [];

/** On a failure: what the page showed (status line, errors) and a screenshot, for the log. */
async function explain(): Promise<void> {
  if (!current) return;
  const status = await current.textContent("#status").catch(() => null);
  const version = await current.evaluate(() => document.body.dataset.version).catch(() => null);
  console.error(`page ${current.url()}: version ${version}, status ${JSON.stringify(status)}, ` +
    `errors ${JSON.stringify(problems)}`);
  await current.screenshot({ path: join(outDir!, "failure.png"), fullPage: true }).catch(() => undefined);
}

async function main(): Promise<void> {
  rmSync(outDir!, { recursive: true, force: true }); // this run's screenshots only
  mkdirSync(outDir!, { recursive: true });
  const data = mkdtempSync(join(process.env.TOTE_TEST_TMP ?? tmpdir(), "tote-browser-"));
  let ingest: ChildProcessWithoutNullStreams | null = null;
  let serve: ChildProcessWithoutNullStreams | null = null;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    console.log(`chromium ${browser.version()} (${CHROMIUM}), data ${data}`);
    runTote(data, ...simulate(30000));
    const logPath = join(data, "log", "records.log");
    const first = recordsIn(readFileSync(logPath));

    ingest = spawn(tote!, ["--data-dir", data, "ingest", "--follow", "--dashboard-port", "0"]);
    let stderr = "";
    ingest.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const [, link] = await firstLine(ingest, /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?once=[0-9a-f]{32})$/);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    current = page;
    problems = [];
    page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(link!);
    check(new URL(page.url()).pathname === "/", "the one-time link signs the browser in and opens the dashboard");

    await shows(page, first);
    await pageEquals(page, expected(data), first);
    await page.screenshot({ path: join(outDir!, "dashboard-desktop.png"), fullPage: true });

    // New facts: the simulator goes on while the page is open; no reload.
    await page.evaluate(() => { (window as unknown as { toteNoReload: number }).toteNoReload = 1; });
    const before = Number(await page.getAttribute("[data-kpi=bets] .value", "data-value"));
    runTote(data, ...simulate(40000));
    const total = recordsIn(readFileSync(logPath));
    check(total > first, `tote simulate grew the log from ${first} to ${total} records`);
    await shows(page, total);
    const after = expected(data);
    await pageEquals(page, after, total);
    check(after.bets > before, `the bets card went from ${before} to ${after.bets} as facts committed`);
    check(await page.evaluate(() => (window as unknown as { toteNoReload?: number }).toteNoReload === 1),
      "the page updated in place (server-sent events), without a reload");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => ((document.querySelector("#series canvas") as HTMLCanvasElement | null)
      ?.getBoundingClientRect().width ?? 999) <= 390, undefined, { timeout: WAIT_MS });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 390, `at 390 px (a phone) the dashboard is no wider than the screen (${wide} px)`);
    await page.screenshot({ path: join(outDir!, "dashboard-phone.png"), fullPage: true });

    // The data-quality page: every check of the API, with its status.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(new URL("/quality", link!).toString());
    await shows(page, total);
    const api = await (await page.request.get(new URL("/api/v1/quality", link!).toString())).json() as
      { version: number; checks: { id: string; status: string }[] };
    const shown = await page.$$eval("section[data-check]",
      (s) => s.map((e) => [e.getAttribute("data-check"), e.getAttribute("data-status")]));
    check(api.version === total && shown.length > 0 &&
      JSON.stringify(shown) === JSON.stringify(api.checks.map((c) => [c.id, c.status])),
      `the data-quality page shows the ${shown.length} checks of /api/v1/quality with their statuses`);
    // A rule of the ETL log opens its entries (drill-down), as many as the check counts.
    const etl = await page.$$eval("[data-check=etl_log] tbody tr",
      (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    const header = await page.$$eval("[data-check=etl_log] thead th", (ths) => ths.map((th) => th.textContent));
    const entries = Number(etl[0]?.[header.indexOf("entries")] ?? -1);
    check(etl.length > 0 && entries > 0, `the ETL-log check lists ${etl.length} rules (the first with ${entries} entries)`);
    await page.click("[data-check=etl_log] tbody tr.pick");
    await page.waitForFunction(() => document.getElementById("drill")?.dataset.rows !== undefined, undefined,
      { timeout: WAIT_MS });
    const drilled = Number(await page.getAttribute("#drill", "data-rows"));
    const firstPage = await (await page.request.get(new URL("/api/v1/quality/etl_log?" +
      new URLSearchParams({ rule: etl[0]![0]!, page: "0" }).toString(), link!).toString())).json() as
      { page_rows: number; rows: unknown[] };
    check(drilled === Math.min(entries, firstPage.page_rows) && drilled === firstPage.rows.length &&
      (await page.textContent("#drill h2"))!.includes(etl[0]![0]!),
      `clicking rule ${etl[0]![0]} opens its ${drilled} entries (page 1)`);
    await page.screenshot({ path: join(outDir!, "quality-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(outDir!, "quality-phone.png"), fullPage: true });
    check(problems.length === 0, `no page logged an error: ${JSON.stringify(problems)}`);

    await page.goto("about:blank"); // closes the event stream before its server stops
    const code = await stop(ingest);
    ingest = null;
    check(code === 0, `tote ingest --follow stops cleanly on Ctrl-C (${code})` + (code === 0 ? "" : ": " + stderr));

    // The SQL editor of `tote serve` (which opens the warehouse itself: the expected rows are
    // read before it starts).
    const sql = "SELECT intDiv(placed_at_us, 3600000000) * 3600 AS hour_s, count() AS bets, " +
      "sum(stake_eur_cents) AS turnover FROM tote.fact_bet FINAL GROUP BY hour_s ORDER BY hour_s";
    const want = query(data, sql);
    const betCount = query(data, "SELECT count() FROM tote.fact_bet")[0]![0]!;
    check(want.length > 1, `tote query: ${want.length} hours of bets`);
    // A saved query with parameters, its literals bound here: the bet days and one country.
    const queriesFile = join(webDir!, "..", "dashboards", "queries.yaml");
    const byDaySql = savedSql(readFileSync(queriesFile, "utf8"), "turnover_by_day");
    const [[fromDay, toDay]] = query(data, "SELECT toString(min(toDate(hour))), toString(max(toDate(hour))) " +
      "FROM tote.kpi_hourly_contrib FINAL WHERE fact = 'bet'") as [[string, string]];
    const country = query(data, "SELECT country FROM tote.kpi_hourly_contrib FINAL WHERE fact = 'bet' " +
      "GROUP BY country ORDER BY count() DESC, country LIMIT 1")[0]![0]!;
    const bound = byDaySql.replaceAll("{from:Date}", `toDate('${fromDay}')`)
      .replaceAll("{to:Date}", `toDate('${toDay}')`).replaceAll("{country:String}", `'${country}'`);
    const byDay = query(data, bound);
    check(byDay.length > 0 && !bound.includes("{"),
      `tote query: turnover_by_day from ${fromDay} to ${toDay} in ${country}: ${byDay.length} day(s)`);
    const schemaWant = query(data, "SELECT name, type FROM system.columns WHERE database = 'tote' " +
      "AND table = 'fact_bet' ORDER BY name");
    const kpiRows = query(data, "SELECT count() FROM tote.kpi_hourly_contrib")[0]![0]!;
    serve = spawn(tote!, ["--data-dir", data, "serve", "--port", "0", "--queries", queriesFile]);
    serve.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const [, serveLink] = await firstLine(serve, /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?once=[0-9a-f]{32})$/);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(serveLink!);
    await page.goto(new URL("/sql", serveLink!).toString());
    const runSql = async (text: string, kind: string) => {
      await page.fill("#sql", text);
      await page.selectOption("#chart-kind", kind);
      await page.click("#run");
      await page.waitForFunction(() => document.body.dataset.rows !== undefined || document.body.dataset.error !== undefined,
        undefined, { timeout: WAIT_MS });
    };
    await runSql(sql, "bar");
    const cells = await page.$$eval("#sql-result tbody tr",
      (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    check(JSON.stringify(cells) === JSON.stringify(want),
      `the SQL editor's result table equals tote query's ${want.length} rows`);
    check(await page.locator("#sql-chart canvas").count() > 0 &&
      await page.getAttribute("#sql-chart", "data-series") === "2" &&
      await page.getAttribute("#sql-chart", "data-points") === String(want.length) &&
      await page.getAttribute("#sql-chart", "data-kind") === "bar",
      `the result renders as a bar chart (uPlot canvas): 2 series over ${want.length} points`);
    await page.screenshot({ path: join(outDir!, "sql-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await runSql(sql, "line");
    check(await page.getAttribute("#sql-chart", "data-kind") === "line" &&
      await page.evaluate(() => document.documentElement.scrollWidth) <= 390,
      "as a line chart too, and at 390 px the SQL page is no wider than the screen");
    await page.screenshot({ path: join(outDir!, "sql-phone.png"), fullPage: true });
    check(problems.length === 0, `the SQL page logged no error: ${JSON.stringify(problems)}`);
    check(["dashboard-desktop", "dashboard-phone", "quality-desktop", "quality-phone", "sql-desktop", "sql-phone"]
      .every((f) => existsSync(join(outDir!, f + ".png"))), `screenshots kept in ${outDir}`);
    await runSql("DROP TABLE tote.fact_bet", "line"); // the browser logs its HTTP 400
    const refused = await page.evaluate(() => document.body.dataset.error ?? "");
    check(refused.length > 0 && (await page.locator("#sql-status.error").count()) === 1,
      `a statement that would write is refused and the page says so: ${refused.slice(0, 160)}`);
    await runSql("SELECT count() FROM tote.fact_bet", "none");
    check(await page.textContent("#sql-result tbody td") === betCount,
      `fact_bet still holds its ${betCount} rows`);

    // Saved queries and the schema browser (same page).
    problems = [];
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(new URL("/sql", serveLink!).toString());
    await page.waitForFunction(() => document.body.dataset.tables !== undefined && document.body.dataset.saved !== undefined,
      undefined, { timeout: WAIT_MS });
    const listed = await page.$$eval("[data-table=fact_bet] button[data-column]",
      (bs) => bs.map((b) => [b.getAttribute("data-column") ?? "", b.querySelector("small")?.textContent ?? ""]));
    check(JSON.stringify(listed) === JSON.stringify(schemaWant),
      `the schema browser lists fact_bet's ${listed.length} columns with their types, as system.columns has them`);
    await page.fill("#sql", "SELECT  FROM tote.fact_bet");
    await page.evaluate(() => (document.getElementById("sql") as HTMLTextAreaElement).setSelectionRange(7, 7));
    await page.click("[data-table=fact_bet] summary");
    await page.click("[data-table=fact_bet] button[data-column=bet_id]");
    check(await page.inputValue("#sql") === "SELECT bet_id FROM tote.fact_bet",
      "clicking a column in the schema browser inserts its name at the editor's cursor");
    const savedApi = await (await page.request.get(new URL("/api/v1/queries", serveLink!).toString())).json() as
      { queries: { id: string; sql: string }[] };
    check(savedApi.queries.find((q) => q.id === "turnover_by_day")?.sql.replace(/\s+/g, " ").trim() ===
      byDaySql.replace(/\s+/g, " "), "the server's turnover_by_day is the statement bound here");
    check(await page.locator("#saved-query option").count() === savedApi.queries.length + 1,
      `the page lists the ${savedApi.queries.length} saved queries`);
    await page.selectOption("#saved-query", "turnover_by_day");
    check(await page.getAttribute("#saved-params input[data-param=from]", "type") === "date" &&
      await page.inputValue("#saved-params input[data-param=from]") === "1970-01-01",
      "a Date parameter is a date input with its default filled in");
    const runSaved = async () => {
      await page.evaluate(() => { delete document.body.dataset.rows; delete document.body.dataset.error; });
      await page.click("#saved-run");
      await page.waitForFunction(() => document.body.dataset.rows !== undefined || document.body.dataset.error !== undefined,
        undefined, { timeout: WAIT_MS });
    };
    await page.fill("#saved-params input[data-param=from]", fromDay);
    await page.fill("#saved-params input[data-param=to]", toDay);
    await page.fill("#saved-params input[data-param=country]", country);
    await runSaved();
    const savedCells = await page.$$eval("#sql-result tbody tr",
      (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
    check(JSON.stringify(savedCells) === JSON.stringify(byDay),
      `the saved query's table equals tote query's ${byDay.length} row(s) of the same SQL with its literals`);
    check(await page.locator("#sql-chart canvas").count() > 0 &&
      await page.getAttribute("#sql-chart", "data-kind") === "line" &&
      await page.getAttribute("#sql-chart", "data-series") === "1" &&
      await page.getAttribute("#sql-chart", "data-points") === String(byDay.length) &&
      (await page.textContent("#sql-chart-note")) === "turnover_eur by day",
      "it renders as its chart: a uPlot line of turnover_eur by day");
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: WAIT_MS }), page.click("#saved-csv")]);
    const csv = csvRows(readFileSync((await download.path())!, "utf8"));
    check(JSON.stringify(csv) === JSON.stringify([["day", "turnover_eur", "ggr_settled_eur"], ...byDay]) &&
      download.suggestedFilename() === "turnover_by_day.csv",
      `the CSV link downloads the same ${csv.length - 1} row(s) with their header (${download.suggestedFilename()})`);
    await page.screenshot({ path: join(outDir!, "queries-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await runSaved();
    check(await page.evaluate(() => document.documentElement.scrollWidth) <= 390,
      "at 390 px the page with the schema, a saved query's form, chart and table is no wider than the screen");
    await page.screenshot({ path: join(outDir!, "queries-phone.png"), fullPage: true });
    check(problems.length === 0, `the saved queries logged no error: ${JSON.stringify(problems)}`);
    // A date that is not a day: a browser without a date picker lets one be typed (a text input).
    await page.evaluate(() => { (document.querySelector("#saved-params input[data-param=to]") as HTMLInputElement).type = "text"; });
    await page.fill("#saved-params input[data-param=to]", "2026-02-30");
    await runSaved(); // the browser logs its HTTP 400
    const refusal = (await page.textContent("#saved-status.error")) ?? "";
    check(refusal.includes("parameter 'to': '2026-02-30' is not a day of the calendar"),
      `a date that is not a calendar day is refused and the page says so: ${refusal}`);
    await page.fill("#saved-params input[data-param=to]", toDay);
    for (const attempt of ["x' OR 1=1 --", "' OR ''='", "x'); DROP TABLE tote.fact_bet; --", "\\' OR 1=1 --"]) {
      await page.fill("#saved-params input[data-param=country]", attempt);
      await runSaved();
      check(await page.evaluate(() => document.body.dataset.rows) === "0" &&
        await page.locator("#sql-result tbody tr").count() === 0,
        `an injection attempt in a String parameter (${attempt}) is a country that no bet has: no rows`);
    }
    await runSql("SELECT (SELECT count() FROM tote.fact_bet), (SELECT count() FROM tote.kpi_hourly_contrib)", "none");
    check(JSON.stringify(await page.$$eval("#sql-result tbody td", (tds) => tds.map((td) => td.textContent))) ===
      JSON.stringify([betCount, kpiRows]), `fact_bet and kpi_hourly_contrib keep their ${betCount} and ${kpiRows} rows`);
    // Cancel: the embedded engine cannot stop a running statement, and the page shows the
    // server's reason (501); the statement ends by itself. (On a ClickHouse server cancel kills
    // it: ctest dashboard_sql_cancel_clickhouse18.)
    await page.fill("#sql", "SELECT count() AS c FROM numbers(6) WHERE sleepEachRow(0.5) = 0 SETTINGS max_block_size = 1");
    await page.evaluate(() => { delete document.body.dataset.cancel; });
    await page.click("#run");
    await page.waitForFunction(() => !(document.getElementById("cancel") as HTMLButtonElement).disabled, undefined,
      { timeout: WAIT_MS });
    await page.click("#cancel");
    await page.waitForFunction(() => document.body.dataset.cancel !== undefined, undefined, { timeout: WAIT_MS });
    const cancelText = (await page.textContent("#sql-status")) ?? "";
    check(await page.evaluate(() => document.body.dataset.cancel) === "501" && cancelText.includes("embedded engine"),
      `Cancel on the embedded engine: the page shows why it cannot stop the statement: ${cancelText.slice(0, 120)}`);
    await page.waitForFunction(() => document.body.dataset.rows !== undefined || document.body.dataset.error !== undefined,
      undefined, { timeout: WAIT_MS });
    check(await page.textContent("#sql-result tbody td") === "6" &&
      await page.locator("#cancel:disabled").count() === 1,
      "the statement then ends by itself with its row, and Cancel is disabled again");
    // A dashboard loaded from the file: the board `trading` of dashboards/queries.yaml shows its
    // three saved queries, each panel's table equal to that query's rows from the API, with its
    // chart drawn.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(new URL("/board?id=trading", serveLink!).toString());
    await page.waitForFunction(() => document.querySelectorAll("#panels [data-rows]").length === 3 &&
      document.querySelector("#panels [data-query=turnover_by_day] .board-chart canvas") !== null,
    undefined, { timeout: WAIT_MS });
    const panelIds = await page.$$eval("#panels [data-query]", (ps) => ps.map((p) => (p as HTMLElement).dataset.query));
    check(JSON.stringify(panelIds) === JSON.stringify(["turnover_by_day", "turnover_by_country", "biggest_open_bets"]),
      `the board from the file shows its saved queries in order: ${panelIds.join(", ")}`);
    for (const id of ["turnover_by_day", "turnover_by_country", "biggest_open_bets"]) {
      const api = await page.evaluate(async (q) => {
        const r = await fetch("/api/v1/queries/" + q, { credentials: "same-origin" });
        return ((await r.json()) as { data: unknown[][] }).data.map((row) => row.map((v) => String(v)));
      }, id);
      const shown = await page.$$eval(`#panels [data-query=${id}] .scroll tbody tr`,
        (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
      check(JSON.stringify(shown) === JSON.stringify(api) && api.length > 0,
        `board panel ${id}: its ${shown.length} row(s) equal the saved query's rows` +
        (JSON.stringify(shown) === JSON.stringify(api) ? "" : `: ${JSON.stringify(shown)} vs ${JSON.stringify(api)}`));
    }
    const points = await page.evaluate(() =>
      (document.querySelector("#panels [data-query=turnover_by_day] .board-chart") as HTMLElement).dataset.points);
    check(points !== undefined && Number(points) > 0, `the board's line chart is drawn (${points} points)`);
    await page.screenshot({ path: join(outDir!, "board-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll("#panels [data-rows]").length === 3, undefined,
      { timeout: WAIT_MS });
    check(await page.evaluate(() => document.documentElement.scrollWidth) <= 390,
      "at 390 px the board is no wider than the screen");
    await page.screenshot({ path: join(outDir!, "board-phone.png"), fullPage: true });
    await page.goto("about:blank"); // closes the event stream before its server stops
    const served = await stop(serve);
    serve = null;
    check(served === 0, `tote serve stops cleanly on Ctrl-C (${served})` + (served === 0 ? "" : ": " + stderr));
  } catch (e) {
    await explain();
    throw e;
  } finally {
    if (ingest) await stop(ingest);
    if (serve) await stop(serve);
    await browser.close();
    rmSync(data, { recursive: true, force: true });
  }
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});

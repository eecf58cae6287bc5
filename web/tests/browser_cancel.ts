// browser_cancel_clickhouse18 (ctest): the SQL editor's Cancel button in Debian's Chromium,
// driven by playwright-core, over a ClickHouse 18.16 server (scripts/clickhouse18.sh) that
// `tote --clickhouse-url` writes and `tote serve` reads:
//   1. a small simulated warehouse is landed into the server (`tote simulate`, 20,000 change events, + `ingest`), then
//      `tote serve --port 0` is started on it and the browser signs in with its one-time link;
//   2. on /sql a slow statement (a count over 100 rows that sleeps 0.5 s on each, one row a block:
//      50 s, under the 60 s of --sql-max-seconds, and no CPU) is run by the Run button; once it is
//      in the server's system.processes under the page's query_id (read from the server directly
//      over HTTP, not through tote), the Cancel button is pressed: the page shows that the
//      statement was cancelled (the cancel answered 200, the statement's own request 499), the
//      query_id leaves system.processes, and the request ended well before the statement would
//      have; the editor then goes on answering;
//   3. screenshots of the cancelled state at desktop (1280 px) and phone (390 px) width are kept in
//      OUTDIR; at 390 px the page is no wider than the screen;
//   4. tote serve stops cleanly on Ctrl-C and the server on scripts/clickhouse18.sh stop.
// Exit 77 (skipped) without a clickhouse-server binary, except under CI=true (a failure there).
// Every wait is on a condition with a timeout. Usage:
//   node browser_cancel.mjs TOTE_BINARY WEB_DIR OUTDIR CLICKHOUSE18_SH   (WEB_DIR: where playwright-core is)
import { type ChildProcessWithoutNullStreams, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { createInterface } from "node:readline";
import type { Page } from "playwright-core";

const CHROMIUM = process.env.TOTE_CHROMIUM ?? "/usr/bin/chromium";
const WAIT_MS = 60000;
const ROWS = 100; // 0.5 s each: 50 s uncancelled
const SLOW = `SELECT count() AS c FROM numbers(${ROWS}) WHERE sleepEachRow(0.5) = 0 SETTINGS max_block_size = 1`;
const UNCANCELLED_S = ROWS * 0.5;

const [tote, webDir, outDir, script] = process.argv.slice(2);
if (!tote || !webDir || !outDir || !script) {
  console.error("usage: node browser_cancel.mjs TOTE_BINARY WEB_DIR OUTDIR CLICKHOUSE18_SH");
  process.exit(2);
}

let passed = 0;
function check(ok: boolean, what: string): void {
  if (!ok) throw new Error("FAILED: " + what);
  passed++;
  console.log("ok: " + what);
}

const serverInstalled = (process.env.PATH ?? "").split(delimiter)
  .some((dir) => dir !== "" && existsSync(join(dir, "clickhouse-server"))) ||
  existsSync("/usr/sbin/clickhouse-server");
if (!serverInstalled) {
  if (process.env.CI === "true") {
    console.error("FAILED: clickhouse-server (ClickHouse 18.16, Debian's package) is not installed, and under " +
      "CI=true every test must run: install it (scripts/install-deps.sh --tests)");
    process.exit(1);
  }
  console.log("clickhouse-server is not installed: skipped");
  process.exit(77);
}
if (!existsSync(CHROMIUM))
  throw new Error(`FAILED: Debian's Chromium is not at ${CHROMIUM}: the browser tests need it ` +
    "(scripts/install-deps.sh --tests installs the apt package chromium; TOTE_CHROMIUM names another)");
const require = createRequire(join(webDir, "package.json"));
const { chromium } = require("playwright-core") as typeof import("playwright-core");

/** A port nothing listens on now (the server takes it and the next one, for its native TCP). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() => (typeof addr === "object" && addr ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** A statement run on the ClickHouse server directly over its HTTP interface (not through tote),
 * on a connection of its own that is closed after it (no keep-alive: a connection left open would
 * hold up the server's shutdown). */
function serverSql(port: number, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/", method: "POST", agent: false, timeout: 30000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => res.statusCode === 200 ? resolve(text.trim())
        : reject(new Error(`FAILED: the server answered ${res.statusCode} to ${sql}: ${text.trim()}`)));
    });
    req.on("timeout", () => req.destroy(new Error(`FAILED: the server did not answer ${sql} within 30 s`)));
    req.on("error", reject);
    req.end(sql);
  });
}

/** Until `predicate` holds: polled every 100 ms, an error naming `what` after `ms`. */
async function waitUntil(predicate: () => Promise<boolean>, what: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`FAILED: ${what} within ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

let current: Page | null = null;
let problems: string[] = [];

/** On a failure: what the page showed and a screenshot, for the log. */
async function explain(): Promise<void> {
  if (!current) return;
  const status = await current.textContent("#sql-status").catch(() => null);
  console.error(`page ${current.url()}: status ${JSON.stringify(status)}, errors ${JSON.stringify(problems)}`);
  await current.screenshot({ path: join(outDir!, "failure.png"), fullPage: true }).catch(() => undefined);
}

async function main(): Promise<void> {
  rmSync(outDir!, { recursive: true, force: true }); // this run's screenshots only
  mkdirSync(outDir!, { recursive: true });
  const data = mkdtempSync(join(process.env.TOTE_TEST_TMP ?? tmpdir(), "tote-browser-cancel-"));
  const serverDir = join(data, "server");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let serverStarted = false;
  let stopCode: number | null = null;
  let stopText = "";
  let serve: ChildProcessWithoutNullStreams | null = null;
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null;
  const runTote = (...args: string[]) =>
    execFileSync(tote!, ["--data-dir", join(data, "tote"), "--clickhouse-url", url, ...args],
      { encoding: "utf8", maxBuffer: 64 << 20 });
  try {
    console.log(execFileSync(script!, ["start", serverDir, String(port)], { encoding: "utf8" }).trim());
    serverStarted = true;
    const version = await serverSql(port, "SELECT version()");
    check(version.startsWith("18.16."), `the server is ClickHouse 18.16 (${version})`);
    runTote("simulate", "--max-events", "20000", "--seed", "15", "--players", "200", "--events", "20");
    runTote("ingest");
    const bets = Number(await serverSql(port, "SELECT count() FROM tote.fact_bet"));
    check(bets > 0, `tote ingest landed the simulated warehouse in the server (${bets} rows in fact_bet)`);

    serve = spawn(tote!, ["--data-dir", join(data, "tote"), "--clickhouse-url", url, "serve", "--port", "0"]);
    let stderr = "";
    serve.stderr.on("data", (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const [, link] = await firstLine(serve, /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?once=[0-9a-f]{32})$/);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
    console.log(`chromium ${browser.version()} (${CHROMIUM}), ClickHouse ${version} on ${url}, data ${data}`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    current = page;
    page.on("console", (m) => { if (m.type() === "error") problems.push(m.text()); });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(link!);
    check(new URL(page.url()).pathname === "/", "the one-time link signs the browser in");
    await page.goto(new URL("/sql", link!).toString());

    // Run the slow statement; wait until the server runs it under the page's query_id.
    await page.fill("#sql", SLOW);
    await page.selectOption("#chart-kind", "none");
    await page.evaluate(() => { delete document.body.dataset.cancel; });
    const started = Date.now();
    await page.click("#run");
    await page.waitForFunction(() => document.body.dataset.queryId !== undefined &&
      !(document.getElementById("cancel") as HTMLButtonElement).disabled, undefined, { timeout: WAIT_MS });
    const qid = (await page.evaluate(() => document.body.dataset.queryId))!;
    check(/^[A-Za-z0-9_-]+$/.test(qid), `the page sent its statement under query_id ${qid}`);
    const inProcesses = async () =>
      serverSql(port, `SELECT count() FROM system.processes WHERE query_id = '${qid}'`);
    await waitUntil(async () => (await inProcesses()) === "1", `the statement shows in the server's system.processes under ${qid}`, 30000);
    const runningQuery = await serverSql(port, `SELECT query FROM system.processes WHERE query_id = '${qid}' FORMAT TSVRaw`);
    check(runningQuery.includes("sleepEachRow(0.5)") && (await page.textContent("#sql-status")) === "running…",
      `the server runs the editor's statement under ${qid} and the page says it is running`);

    // Cancel: the page asks tote, tote kills the statement on the server.
    await page.click("#cancel");
    await page.waitForFunction(() => document.body.dataset.cancel !== undefined &&
      (document.body.dataset.rows !== undefined || document.body.dataset.error !== undefined), undefined, { timeout: WAIT_MS });
    const took = (Date.now() - started) / 1000;
    const cancelStatus = await page.evaluate(() => document.body.dataset.cancel);
    check(cancelStatus === "200", `the cancel request answered 200 (${cancelStatus})`);
    const shown = (await page.textContent("#sql-status.error")) ?? "";
    check(shown.includes(`cancelled: the statement under query_id ${qid} was stopped by a cancel request`) && shown.includes("Query was cancelled") &&
      await page.evaluate(() => document.body.dataset.rows === undefined),
      `the page shows that the statement was cancelled, and no rows: ${shown.slice(0, 200)}`);
    await waitUntil(async () => (await inProcesses()) === "0", `${qid} leaves the server's system.processes`, 10000);
    check((await inProcesses()) === "0", `${qid} is no longer in the server's system.processes`);
    check(took < UNCANCELLED_S / 2,
      `the statement's request ended ${took.toFixed(1)} s after Run, well before its ${UNCANCELLED_S} s uncancelled`);
    check(await page.locator("#cancel:disabled").count() === 1 && await page.locator("#run:enabled").count() === 1,
      "Cancel is disabled again and Run enabled");

    await page.screenshot({ path: join(outDir!, "cancel-desktop.png"), fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 390, `at 390 px (a phone) the cancelled page is no wider than the screen (${wide} px)`);
    await page.screenshot({ path: join(outDir!, "cancel-phone.png"), fullPage: true });
    check(["cancel-desktop", "cancel-phone"].every((f) => existsSync(join(outDir!, f + ".png"))),
      `screenshots kept in ${outDir}`);

    // The editor goes on answering after a cancel.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.fill("#sql", "SELECT count() FROM tote.fact_bet");
    await page.click("#run");
    await page.waitForFunction(() => document.body.dataset.rows !== undefined || document.body.dataset.error !== undefined,
      undefined, { timeout: WAIT_MS });
    check(await page.textContent("#sql-result tbody td") === String(bets),
      `the editor goes on answering: fact_bet holds its ${bets} rows`);
    // The browser logs the cancelled request's HTTP 499 (a failed resource); nothing else.
    const others = problems.filter((p) => !/status of 499/.test(p));
    check(others.length === 0 && problems.length === 1, `the page logged no error but the 499: ${JSON.stringify(problems)}`);

    await page.goto("about:blank");
    const served = await stop(serve);
    serve = null;
    check(served === 0, `tote serve stops cleanly on Ctrl-C (${served})` + (served === 0 ? "" : ": " + stderr));
  } catch (e) {
    await explain();
    throw e;
  } finally {
    if (serve) await stop(serve);
    if (browser) await browser.close();
    if (serverStarted) {
      const stopped = spawnSync(script!, ["stop", serverDir, String(port)], { encoding: "utf8" });
      stopText = (stopped.stdout + stopped.stderr).trim();
      stopCode = stopped.status;
      console.log(stopText);
    }
    rmSync(data, { recursive: true, force: true });
  }
  // SIGTERM was enough: the script kills a server that ignores it for 10 s, and says so.
  check(stopCode === 0 && stopText.includes("clickhouse 18 stopped") && !stopText.includes("killing"),
    `the ClickHouse server stops on SIGTERM (scripts/clickhouse18.sh stop, exit ${stopCode})`);
  let answers = true;
  try {
    await serverSql(port, "SELECT 1");
  } catch {
    answers = false;
  }
  check(!answers, "and no longer answers");
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});

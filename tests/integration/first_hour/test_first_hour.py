"""The first hour of a new user (issue 11), on the embedded engine:
- global options work before or after the subcommand;
- `tote query` is read-only unless --write: the engine refuses writes, DDL, a second statement,
  INTO OUTFILE and file() writes;
- `tote status` says where everything stands, including the latest reconcile;
- every table of the migrations, dropped (or damaged) in turn: ingest stops naming it and the
  repair command; the printed repair and ingest commands, run as printed, give back exactly the
  rows there were;
- every command tote printed as a hint (`tote ...` in backquotes) during this test runs as
  printed, from another folder, through the `tote` launcher on the PATH."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402

HINT = re.compile(r"`(tote [^`]+)`")
hints = set()


def collect(proc):
    for text in (proc.stdout, proc.stderr):
        hints.update(HINT.findall(text or ""))
    return proc


def run(tote, *args, check_rc=True):
    return collect(tote.run(*args, check=check_rc))


def snapshot(tote, skip=()):
    """Every table of the warehouse, read through FINAL, rows sorted: {table: text}."""
    tables = tote.query("SELECT name FROM system.tables WHERE database = 'tote' ORDER BY name")
    out = {}
    for t in tables.split():
        if t in skip or t == "_migrations" or "_damaged_" in t:
            continue
        if t == "_offsets":
            sql = "SELECT consumer, next_offset, byte_position FROM tote._offsets FINAL " \
                  "WHERE consumer = 'ingest'"
        else:
            sql = f"SELECT * FROM tote.`{t}` FINAL"
        rows = tote.query(sql).splitlines()
        out[t] = "\n".join(sorted(rows))
    return out


def main():
    binary, root = sys.argv[1], sys.argv[2]
    data = temp_data_dir("first-hour")
    tote = Tote(binary, data)
    bindir = tempfile.mkdtemp(prefix="tote-bin-")
    try:
        # The launcher the README's first command installs, here into a folder of the test's.
        env = dict(os.environ, TOTE_BIN_DIR=bindir)
        inst = subprocess.run([os.path.join(root, "scripts", "install-launcher.sh")], env=env,
                              capture_output=True, text=True)
        check(inst.returncode == 0 and os.access(os.path.join(bindir, "tote"), os.X_OK),
              f"install-launcher.sh writes an executable launcher ({inst.stdout.strip()})")
        launcher_target = os.path.realpath(os.path.join(root, "build", "release", "src", "cli", "tote"))
        if launcher_target != os.path.realpath(binary):
            os.remove(os.path.join(bindir, "tote"))
            os.symlink(os.path.realpath(binary), os.path.join(bindir, "tote"))

        run(tote, "simulate", "--max-events", "60000")
        run(tote, "ingest")

        # Global options before or after the subcommand.
        before = run(tote, "report", "--format", "csv").stdout
        after = subprocess.run([binary, "report", "--format", "csv", "--data-dir", data],
                               capture_output=True, text=True)
        check(after.returncode == 0 and after.stdout == before and before.count("\n") > 2,
              "`tote report --data-dir D` equals `tote --data-dir D report`")
        table = run(tote, "report").stdout
        check(re.search(r"EUR \d{1,3}(,\d{3})*\.\d\d", table) is not None and "money in EUR" in table,
              "the report table shows major units with the currency code")

        # Read-only queries.
        bets = tote.query("SELECT count() FROM tote.fact_bet FINAL").strip()
        check(int(bets) > 0, f"facts were built ({bets} bets)")
        outfile = os.path.join(data, "outfile.tsv")
        refused = {
            "DROP TABLE tote.fact_bet": "a DROP",
            "SELECT 1; DROP TABLE tote.fact_bet": "a second statement",
            "INSERT INTO tote.etl_log (rule) VALUES ('x')": "an INSERT",
            f"SELECT 1 INTO OUTFILE '{outfile}'": "INTO OUTFILE",
            f"INSERT INTO FUNCTION file('{outfile}', 'TSV', 'x UInt8') SELECT 1": "a file() write",
            "SET readonly = 0": "a settings change",
            "ALTER TABLE tote.fact_bet DELETE WHERE 1": "a mutation",
            "OPTIMIZE TABLE tote.fact_bet FINAL": "OPTIMIZE",
        }
        for sql, what in refused.items():
            res = tote.run("query", sql, check=False)
            check(res.returncode == 2 and ("read-only" in res.stderr or "one read-only statement" in res.stderr),
                  f"tote query refuses {what} ({res.stderr.strip()[:100]})")
        check(not os.path.exists(outfile), "no file was written")
        check(tote.query("SELECT count() FROM tote.fact_bet FINAL").strip() == bets,
              "fact_bet is untouched")
        ok = tote.run("query", "SELECT count() FROM tote.fact_bet FINAL SETTINGS max_threads = 1 -- a comment",
                      "--format", "TabSeparated")
        check(ok.stdout.strip() == bets, "a SELECT with its own SETTINGS and a comment runs")
        for sql in ("SHOW TABLES FROM tote", "DESCRIBE TABLE tote.fact_bet", "EXISTS TABLE tote.fact_bet",
                    "EXPLAIN SELECT 1", "WITH 1 AS x SELECT x"):
            res = tote.run("query", sql, check=False)
            check(res.returncode == 0 and res.stdout.strip(), f"reading statement runs: {sql}")
        run(tote, "query", "--write", "CREATE TABLE tote.scratch (x UInt8) ENGINE = Memory")
        run(tote, "query", "--write", "DROP TABLE tote.scratch")
        check("scratch" not in tote.query("SHOW TABLES FROM tote"), "--write allows changes")

        # Status, then reconcile, then status with the reconcile result.
        st = run(tote, "status").stdout
        for field in ("data folder:", "log:", "position:", "lag 0 records", "process:", "state:",
                      "storage:", "dead letters:", "etl log:", "tables:     every table matches",
                      "reconcile:  never run"):
            check(field in st, f"tote status shows '{field}'")
        rec = run(tote, "reconcile")
        check("RECONCILED: exact" in rec.stdout, "reconcile is exact")
        st = run(tote, "status").stdout
        check("reconcile:  EXACT" in st, "tote status shows the latest reconcile result")

        # Drop (or damage) each table of the migrations in turn; repair as printed.
        reference = snapshot(tote)
        own = [t for t in reference if not t.startswith("land_")]
        check(len(own) >= 15, f"the migrations' tables are all there ({len(own)}: {own})")
        path = dict(os.environ, PATH=bindir + os.pathsep + os.environ.get("PATH", ""))
        elsewhere = tempfile.mkdtemp(prefix="tote-cwd-")

        def shell(cmd):
            return collect(subprocess.run(["bash", "-c", cmd], capture_output=True, text=True,
                                          env=path, cwd=elsewhere, timeout=600))

        for victim in own + ["damaged:dim_sport"]:
            if victim.startswith("damaged:"):
                victim = victim.split(":", 1)[1]
                run(tote, "query", "--write", f"DROP TABLE tote.{victim}")
                run(tote, "query", "--write",
                    f"CREATE TABLE tote.{victim} (sport_id Int64, name UInt8) "
                    "ENGINE = ReplacingMergeTree ORDER BY sport_id")
                expect = f"table tote.{victim} has no column"
            else:
                run(tote, "query", "--write", f"DROP TABLE tote.`{victim}`")
                expect = f"table tote.{victim} is missing"
            res = collect(tote.run("ingest", check=False))
            repair = [h for h in HINT.findall(res.stderr) if " repair" in h]
            check(res.returncode == 2 and expect in res.stderr and repair,
                  f"with {victim} broken, ingest stops and names it and the repair ({res.stderr.strip()[:90]})")
            fixed = shell(repair[0])
            cont = [h for h in HINT.findall(fixed.stdout) if h.endswith(" ingest")]
            check(fixed.returncode == 0,
                  f"`{repair[0]}` runs as printed ({fixed.stdout.strip()[-160:]} {fixed.stderr.strip()[-300:]})")
            if cont:
                again = shell(cont[0])
                check(again.returncode == 0, f"`{cont[0]}` runs as printed")
            now = snapshot(tote)
            diff = [t for t in reference if reference[t] != now.get(t)]
            check(not diff, f"after repairing {victim} every table holds exactly the rows it had ({diff})")
        check(any("_damaged_" in t for t in tote.query("SHOW TABLES FROM tote").split()),
              "the damaged table is kept under a new name")

        # A short demo run, for its hints; then every hint collected runs as printed.
        run(tote, "demo", "--duration", "3", "--view-every", "1")
        demo = collect(tote.run("demo", "--duration", "2", "--view-every", "1"))
        check(re.search(r"[A-Z]{3} -?\d{1,3}(,\d{3})*(\.\d+)?", demo.stdout) is not None
              and "live view" in demo.stdout, "the demo's live view shows money as CUR 1,234.56")
        check(len(hints) >= 5, f"tote printed hints ({sorted(hints)})")
        for hint in sorted(hints):
            res = shell(hint)
            check(res.returncode == 0,
                  f"the hint `{hint}` runs as printed from another folder (exit {res.returncode}: "
                  f"{res.stderr.strip()[-300:]})")
    finally:
        cleanup(data)
        cleanup(bindir)


if __name__ == "__main__":
    main()

"""Shared helpers for the integration tests that drive the tote binary."""
import json
import os
import shutil
import subprocess
import sys
import tempfile


class Tote:
    def __init__(self, binary, data_dir):
        self.binary = binary
        self.data_dir = data_dir

    def cmd(self, *args):
        return [self.binary, "--data-dir", self.data_dir, *args]

    def run(self, *args, check=True):
        proc = subprocess.run(self.cmd(*args), capture_output=True, text=True)
        if check and proc.returncode != 0:
            sys.stderr.write(f"$ {' '.join(self.cmd(*args))}\nexit {proc.returncode}\n"
                             f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}\n")
            raise SystemExit(f"command failed: tote {' '.join(args)}")
        return proc

    def query(self, sql, *common):
        return self.run(*common, "query", sql, "--format", "TabSeparated").stdout

    def ground_truth(self):
        with open(os.path.join(self.data_dir, "ground_truth.json")) as f:
            return json.load(f)


# The latest version of every fact, the ETL log and the KPI contributions, in a stable order:
# two warehouses that hold the same facts print the same text.
FACT_SNAPSHOT_QUERIES = {
    "fact_bet": "SELECT * FROM tote.fact_bet FINAL ORDER BY bet_id",
    "fact_bet_leg": "SELECT * FROM tote.fact_bet_leg FINAL ORDER BY bet_id, leg_no",
    "fact_wallet_transaction": "SELECT * FROM tote.fact_wallet_transaction FINAL ORDER BY id",
    # The entries in force: a retracted one is withdrawn (docs/architecture.md, point 10).
    "etl_log": "SELECT rule, entity, entity_key, version, log_offset, details, provisional "
               "FROM tote.etl_log FINAL WHERE retracted = 0 "
               "ORDER BY rule, entity, entity_key, version",
    "kpi_hourly_contrib": "SELECT * FROM tote.kpi_hourly_contrib FINAL ORDER BY hour, country, "
                          "currency, sport, channel, fact, fact_key, fact_version, sign",
}


def ingested_line(out):
    """The "ingested N records (...)" summary line of `tote ingest`."""
    return next((l for l in out.splitlines() if l.startswith("ingested ")), "")


def fact_snapshot(tote, *common, database="tote"):
    """{table: (row count, text)} of the fact tables, read through FINAL."""
    out = {}
    for table, sql in FACT_SNAPSHOT_QUERIES.items():
        text = tote.query(sql.replace("tote.", database + "."), *common)
        out[table] = (text.count("\n"), text)
    return out


def check_same_facts(got, reference, got_label, reference_label):
    """Every table of fact_snapshot(reference) is non-empty (the ETL log may be) and byte for byte
    equal in `got`; a difference prints a few rows found on one side only."""
    for table, (rows, text) in reference.items():
        check(rows > 0 or table == "etl_log", f"{table}: {reference_label} wrote {rows} rows")
        got_rows, got_text = got[table]
        if got_text != text:
            a, b = set(got_text.splitlines()), set(text.splitlines())
            print(f"{table}: only {got_label}: {sorted(a - b)[:5]}")
            print(f"{table}: only {reference_label}: {sorted(b - a)[:5]}")
        check(got_text == text, f"{table}: {got_rows} rows {got_label}, byte for byte those of "
                                f"{reference_label} ({rows})")


def temp_data_dir(name):
    base = os.environ.get("TOTE_TEST_TMP", tempfile.gettempdir())
    path = tempfile.mkdtemp(prefix=f"tote-{name}-", dir=base)
    return path


def cleanup(path):
    if os.environ.get("TOTE_KEEP_TEST_DATA"):
        print(f"kept test data in {path}")
        return
    shutil.rmtree(path, ignore_errors=True)


def check(condition, message):
    if not condition:
        raise SystemExit("FAILED: " + message)
    print("ok:", message)

"""The same pipeline on Debian's ClickHouse 18.16 server: migrations, generic landing and every
query of `tote reconcile` must run there too. Two streams: the default (schemas off, decimals
as strings) and schemas on with precise (base64) decimals, each into its own database."""
import os
import shutil
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, fact_snapshot, ingested_line, temp_data_dir  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary, script = sys.argv[1], sys.argv[2]
    if not (shutil.which("clickhouse-server") or os.path.exists("/usr/sbin/clickhouse-server")):
        print("clickhouse-server is not installed: skipped")
        sys.exit(77)
    data = temp_data_dir("ch18")
    port = free_port()
    server_dir = os.path.join(data, "server")
    subprocess.run([script, "start", server_dir, str(port)], check=True)
    try:
        url = f"http://127.0.0.1:{port}"
        for name, flags in (("plain", []), ("precise", ["--schemas", "--decimal-mode", "precise"])):
            tote = Tote(binary, os.path.join(data, name))
            common = ["--clickhouse-url", url, "--database", f"tote_{name}"]
            tote.run("simulate", "--max-events", "60000", "--seed", "18", *flags)
            out = tote.run(*common, "ingest").stdout
            print(out.strip())
            version = tote.run(*common, "query", "SELECT version()", "--format", "TabSeparated").stdout
            check(version.startswith("18.16"), f"the server is ClickHouse {version.strip()}")
            rec = tote.run(*common, "reconcile", check=False)
            print(rec.stdout)
            check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
                  f"{name}: the warehouse on ClickHouse 18.16 reconciles exactly")
            n = len(tote.ground_truth()["anomalies"])
            check(n > 0 and "KPI groups checked against a recomputation from the facts" in rec.stdout
                  and f"anomalies: {n} injected, {n} found, 0 missed, 0 pending; 0 false flags"
                  in rec.stdout,
                  f"{name}: on 18.16 the KPI tables equal the facts and the ledger, and all {n} "
                  f"injected anomalies are found")
            before = fact_snapshot(tote, *common, database=f"tote_{name}")
            # Replaying the whole log again (a consumer without a position) changes nothing.
            replay = tote.run(*common, "ingest", "--consumer", "replay").stdout
            first, again = ingested_line(out), ingested_line(replay)
            check(first != "" and again.split()[:2] == first.split()[:2],
                  f"{name}: the replay re-read the whole log ({again})")
            rec = tote.run(*common, "reconcile", check=False)
            check(rec.returncode == 0 and "RECONCILED: exact" in rec.stdout,
                  f"{name}: a full replay on 18.16 still reconciles exactly")
            after = fact_snapshot(tote, *common, database=f"tote_{name}")
            for table, (rows, text) in before.items():
                check(after[table][1] == text and (rows > 0 or table == "etl_log"),
                      f"{name}: {table} holds the same {rows} rows through FINAL after the replay")
    finally:
        subprocess.run([script, "stop", server_dir, str(port)])
        cleanup(data)


if __name__ == "__main__":
    main()

"""Mapping files end to end with `tote`: the real Debezium captures (tests/golden/debezium, one
ordered stream) build facts through mappings/real_debezium.yaml alone, with no mapping_error;
`tote mapping check` accepts that mapping against the warehouse and refuses the simulator's
(unknown columns, each with its line); a mapping whose value map misses a landed value stops
`tote ingest` before it reads anything; a checkpoint taken under another mapping is not used."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402

# In the order they were captured on one database; the other encodings of the same changes
# (double, precise without schema) are left out: the decoder dead-letters them.
CAPTURES = ["a_snapshot", "b_single_row", "b2_pk_update", "c_transaction",
            "e_schemas_enable_true", "f_truncate", "f_truncate_default",
            "g_toast_replica_identity_default", "g_toast_replica_identity_full",
            "h_schema_evolution"]


def combined_stream(root, path):
    """The captures as one topic: offsets renumbered 0..n-1 in file order."""
    n = 0
    rows = []
    with open(path, "w") as out:
        for name in CAPTURES:
            with open(os.path.join(root, "tests", "golden", "debezium", name + ".jsonl")) as f:
                for line in f:
                    if not line.strip():
                        continue
                    r = json.loads(line)
                    r["offset"] = n
                    n += 1
                    rows.append(r)
                    out.write(json.dumps(r) + "\n")
    return rows


def ids_seen(rows, table, key):
    seen = set()
    for r in rows:
        if r["value"] is None or r["topic"].endswith(".transaction"):
            continue
        v = json.loads(r["value"])
        v = v.get("payload", v)
        if v["source"]["table"] == table and v.get("after"):
            seen.add(tuple(v["after"][k] for k in key))
    return seen


def main():
    binary, root = sys.argv[1], sys.argv[2]
    data = temp_data_dir("mapping")
    tote = Tote(binary, data)
    real = os.path.join(root, "mappings", "real_debezium.yaml")
    sim = os.path.join(root, "mappings", "simulator.yaml")
    try:
        out = tote.run("mapping", "check", real).stdout
        check("usable mapping" in out and "no warehouse" in out,
              "mapping check without a warehouse checks the file only")

        stream = os.path.join(data, "captures.jsonl")
        rows = combined_stream(root, stream)
        # Part of the stream with checkpoints, then the rest under a mapping that differs (one
        # more ledger type): the checkpoints of the first mapping are not used.
        tote.run("ingest", "--jsonl", stream, "--mapping", real, "--checkpoint-every", "20",
                 "--stop-at-offset", "60")
        with open(real) as f:
            text = f.read()
        other = os.path.join(data, "other.yaml")
        with open(other, "w") as f:
            f.write(text.replace("      deposit: deposit\n",
                                 "      deposit: deposit\n      withdrawal: withdrawal\n"))
        p = tote.run("ingest", "--jsonl", stream, "--mapping", other, "--checkpoint-every", "20")
        check("not used: it was taken with another configuration" in p.stderr
              and "mapping fnv1a=" in p.stderr,
              "a checkpoint taken under another mapping is not used")
        check(f"ingested {len(rows) - 60} records" in p.stdout,
              f"all {len(rows)} capture records ingested ({p.stdout.strip().splitlines()[-1]})")

        def count(sql):
            return int(tote.query(sql).strip())

        bets = ids_seen(rows, "bets", ["id"])
        legs = ids_seen(rows, "bet_legs", ["bet_id", "leg_no"])
        wallet = ids_seen(rows, "wallet_tx", ["id"])
        check(count("SELECT count() FROM tote.fact_bet FINAL") == len(bets),
              f"fact_bet: one row per bet of the captures ({len(bets)})")
        check(count("SELECT count() FROM tote.fact_bet_leg FINAL") == len(legs),
              f"fact_bet_leg: one row per leg ({len(legs)})")
        check(count("SELECT count() FROM tote.fact_wallet_transaction FINAL") == len(wallet),
              f"fact_wallet_transaction: one row per ledger row ({len(wallet)})")
        check(count("SELECT count() FROM tote.etl_log FINAL WHERE rule = 'mapping_error'") == 0,
              "no mapping_error in the ETL log")
        check(count("SELECT count() FROM tote.kpi_hourly_contrib FINAL") > 0, "KPI rows built")
        # Bet 3 (c_transaction): two legs -> accumulator; GBP from player 1; 20.00 -> 2000 minor.
        got = tote.query("SELECT bet_type, currency, stake_minor, potential_payout_minor, channel "
                         "FROM tote.fact_bet FINAL WHERE bet_id = 3").strip()
        check(got == "accumulator\tGBP\t2000\t12500\tunknown",
              f"bet 3: type from its legs, currency from its player, major units exact ({got})")
        got = tote.query("SELECT count() FROM tote.etl_log FINAL WHERE rule IN "
                         "('leg_selection_known', 'bet_has_stake_debit', 'debit_has_bet', "
                         "'settled_bet_has_all_legs_settled')").strip()
        check(got == "0", "rules that need what the source lacks report no violation")

        out = tote.run("mapping", "check", real).stdout
        check("fits what database 'tote' has landed" in out, "the real mapping fits the warehouse")

        p = tote.run("mapping", "check", sim, check=False)
        check(p.returncode == 2, f"the simulator's mapping does not fit: exit {p.returncode}")
        lines = {line.split(": ", 1)[0].rsplit(":", 1)[1] for line in p.stdout.splitlines()
                 if "unknown column" in line}
        check(f"{sim}:" in p.stdout and "unknown column 'stake_minor' in table 'bets'" in p.stdout
              and "97" in lines, f"unknown columns named with their lines ({sorted(lines)})")

        # A value map that misses a landed value: named with its line; ingest refuses to start.
        with open(real) as f:
            text = f.read()
        bad = os.path.join(data, "bad.yaml")
        with open(bad, "w") as f:
            f.write(text.replace("      bet_debit: stake_debit\n", ""))
        p = tote.run("mapping", "check", bad, check=False)
        check(p.returncode == 2 and "does not cover 'bet_debit'" in p.stdout,
              "check names the uncovered ledger type")
        p = tote.run("ingest", "--jsonl", stream, "--mapping", bad, "--consumer", "again",
                     check=False)
        check(p.returncode == 2 and "does not cover 'bet_debit'" in p.stderr
              and "no facts were built" in p.stderr,
              f"ingest with a bad mapping stops before reading (exit {p.returncode})")
        p = tote.run("ingest", "--jsonl", stream, "--mapping", os.path.join(data, "none.yaml"),
                     check=False)
        check(p.returncode == 2 and "cannot read the mapping file" in p.stderr,
              "a missing mapping file is a clear error")
    finally:
        cleanup(data)


if __name__ == "__main__":
    main()

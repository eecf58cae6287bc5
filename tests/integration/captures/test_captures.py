"""Real Debezium captures (tests/golden/debezium, from Debezium 3.7 on PostgreSQL 15) through the
whole pipeline into the embedded warehouse: `tote ingest --jsonl FILE`.

For each capture the live keys per table are recomputed here from the messages (c/r/u add a
key, d removes it, t clears the table) and compared with the warehouse; decimals are decoded
here from base64 with the schema's scale and compared exactly; records that cannot be exact
(double mode, precise without schema) must be dead letters that keep their raw bytes; a file
with broken lines must be dead-lettered line by line without stopping ingest."""
import base64
import decimal
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, temp_data_dir  # noqa: E402

MONEY = ["--money-column", "bets.stake", "--money-column", "bets.payout"]


def records(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def payload(text):
    doc = json.loads(text)
    return doc["payload"] if isinstance(doc, dict) and "schema" in doc and "payload" in doc else doc


def expected_live_keys(recs):
    live = {}
    for r in recs:
        if r["value"] is None or r["topic"].endswith(".transaction"):
            continue
        v = payload(r["value"])
        table = v["source"]["table"]
        if v["op"] == "t":
            live[table] = set()
            continue
        key = json.dumps(payload(r["key"]), separators=(",", ":"))
        keys = live.setdefault(table, set())
        if v["op"] == "d":
            keys.discard(key)
        else:
            keys.add(key)
    return live


def main():
    tote = Tote(sys.argv[1], temp_data_dir("captures"))
    golden = sys.argv[2]
    try:
        for name in sorted(os.listdir(golden)):
            if not name.endswith(".jsonl") or name.startswith("e_schemas_enable_false_"):
                continue
            path = os.path.join(golden, name)
            db = "cap_" + name[:-6]
            common = ["--database", db]
            recs = records(path)
            out = tote.run(*common, "ingest", "--jsonl", path, *MONEY).stdout
            check(f"\ningested {len(recs)} records" in "\n" + out, f"{name}: every record read ({out.strip()})")
            dead = int(tote.query(f"SELECT count() FROM {db}._dead_letters FINAL").strip())
            if name == "d_decimal_double.jsonl":
                bets = [r for r in recs if r["value"] and ".bets" in r["topic"]]
                check(dead == len(bets), f"{name}: all {len(bets)} money-as-double records are dead letters")
                rows = tote.query(f"SELECT offset, value, reason FROM {db}._dead_letters FINAL ORDER BY offset")
                by_offset = {r["offset"]: r["value"] for r in bets}
                for line in rows.strip().splitlines():
                    off, value, reason = line.split("\t")
                    raw = value.encode().decode("unicode_escape")
                    check(raw == by_offset[int(off)] and "decimal.handling.mode=double" in reason,
                          f"{name}: dead letter at offset {off} keeps its raw bytes and says why")
                continue
            if name == "e_schemas_enable_false.jsonl":
                # Precise decimals without a schema: the scale is nowhere in the message.
                bets = [r for r in recs if r["value"] and ".bets" in r["topic"]
                        and json.loads(r["value"]).get("after")]
                reasons = tote.query(f"SELECT reason FROM {db}._dead_letters FINAL")
                check(dead == len(bets) and "scale is unknown" in reasons,
                      f"{name}: {dead} precise decimals without schema are dead letters (scale unknown)")
                db = "cap_e_scales"
                tote.run("--database", db, "ingest", "--jsonl", path, *MONEY, "--decimal-scale",
                         "bets.stake=2", "--decimal-scale", "bets.payout=2",
                         "--decimal-scale", "bets.total_odds=4")
                dead = int(tote.query(f"SELECT count() FROM {db}._dead_letters FINAL").strip())
                check(dead == 0, f"{name}: no dead letters with the scales ({dead})")
                # The mapping file's source_types declare every column (issue 16, point 4):
                # no dead letter, and each landing column typed as the schemas-on capture's.
                db = "cap_e_declared"
                mapping = os.path.join(golden, "..", "..", "..", "mappings", "real_debezium.yaml")
                tote.run("--database", db, "ingest", "--jsonl", path, *MONEY, "--mapping",
                         mapping, "--decimal-mode", "precise")
                dead = int(tote.query(f"SELECT count() FROM {db}._dead_letters FINAL").strip())
                check(dead == 0, f"{name}: no dead letters with the mapping's source_types ({dead})")
                tote.run("--database", "cap_e_on", "ingest", "--jsonl",
                         os.path.join(golden, "e_schemas_enable_true.jsonl"), *MONEY)
                types = {}
                for d in (db, "cap_e_on"):
                    types[d] = tote.query(
                        f"SELECT table, name, type FROM system.columns WHERE database = '{d}' "
                        f"AND table LIKE 'land_%' ORDER BY table, name")
                check(types[db] == types["cap_e_on"] and "Decimal(38, 2)" in types[db],
                      f"{name}: declared landing types equal the schemas-on capture's:\n{types[db]}")
            check(dead == 0, f"{name}: no dead letters ({dead})")
            for table, keys in sorted(expected_live_keys(recs).items()):
                exists = tote.query(f"SELECT count() FROM system.tables WHERE database = '{db}' "
                                    f"AND name = 'land_{table}'").strip() == "1"
                if not exists:
                    check(not keys, f"{name}: {table} only truncated, never landed, and has no live keys")
                    continue
                got = tote.query(
                    f"SELECT _key FROM {db}.land_{table} FINAL WHERE _deleted = 0 AND _version > "
                    f"(SELECT max(version) FROM {db}._truncates WHERE table_name = '{table}') ORDER BY _key")
                got = set(got.split("\n")) - {""}
                check(got == keys, f"{name}: live keys of {table} {sorted(got)} == {sorted(keys)}")
            if name == "d_decimal_precise.jsonl":
                last = {}
                for r in recs:
                    if not r["value"] or ".bets" not in r["topic"]:
                        continue
                    doc = json.loads(r["value"])
                    after = doc["payload"]["after"]
                    if after is None:
                        continue
                    fields = [f for f in doc["schema"]["fields"] if f["field"] == "after"][0]["fields"]
                    scale = {f["field"]: int(f["parameters"]["scale"]) for f in fields
                             if f.get("name") == "org.apache.kafka.connect.data.Decimal"}
                    row = {}
                    for col, sc in scale.items():
                        if after.get(col) is None:
                            continue
                        unscaled = int.from_bytes(base64.b64decode(after[col]), "big", signed=True)
                        row[col] = decimal.Decimal(unscaled).scaleb(-sc)
                    last[after["id"]] = row
                got = tote.query(f"SELECT _key, toString(stake), toString(total_odds) FROM {db}.land_bets "
                                 "FINAL WHERE _deleted = 0 ORDER BY _key")
                for line in got.strip().splitlines():
                    key, stake, odds = line.split("\t")
                    want = last[json.loads(key)["id"]]
                    check(decimal.Decimal(stake) == want["stake"] and
                          decimal.Decimal(odds) == want["total_odds"],
                          f"{name}: bet {key} stake {stake} and odds {odds} are exact")
            if name.startswith("g_toast"):
                # (Older versions may already be merged away, so only the absence is asserted.)
                n = int(tote.query(f"SELECT count() FROM {db}.land_bets "
                                   "WHERE note = '__debezium_unavailable_value'").strip())
                check(n == 0, f"{name}: the TOAST placeholder never lands as if it were the text")

        # Maxwell (MySQL) JSON through the same pipeline, composite key from configuration.
        maxwell = os.path.join(golden, "..", "maxwell", "maxwell_basic.jsonl")
        out = tote.run("--database", "cap_maxwell", "ingest", "--format", "maxwell", "--jsonl", maxwell,
                       "--primary-key", "bet_legs=bet_id,leg_no").stdout
        check("\ningested 8 records (8 changes, 0 dead letters)" in "\n" + out, f"maxwell: {out.strip()}")
        # MySQL has no default schema: a table's identity is database.table (docs/warehouse.md).
        legs = tote.query("SELECT _key FROM cap_maxwell.`land_sportsbook.bet_legs` FINAL WHERE _deleted = 0 "
                          "ORDER BY _key")
        check(legs.split() == ['{"bet_id":21,"leg_no":1}', '{"bet_id":21,"leg_no":9}'],
              f"maxwell: bet legs keyed by (bet_id, leg_no): {legs.split()}")
        bets = tote.query("SELECT _key, _deleted FROM cap_maxwell.`land_sportsbook.bets` FINAL ORDER BY _key")
        check(bets.split() == ['{"id":21}', "0", '{"id":22}', "1"],
              f"maxwell: bet 21 live, bet 22 deleted and kept as a delete: {bets.split()}")

        # Broken input: never a crash, never lost.
        bad = os.path.join(tote.data_dir, "broken.jsonl")
        good = records(os.path.join(golden, "b_single_row.jsonl"))[0]
        not_json_value = dict(good, offset=1000, value="{not json")
        with open(bad, "w") as f:
            f.write(json.dumps(good) + "\n")
            f.write("this line is not a record\n")
            f.write(json.dumps(not_json_value) + "\n")
        out = tote.run("--database", "cap_broken", "ingest", "--jsonl", bad).stdout
        check("\ningested 3 records" in "\n" + out and "2 dead letters" in out, f"broken file: {out.strip()}")
        rows = tote.query("SELECT stage, offset, value, reason FROM cap_broken._dead_letters FINAL ORDER BY stage")
        lines = [l.split("\t") for l in rows.strip().splitlines()]
        check(lines[0][0] == "decode" and lines[0][2] == "{not json" and lines[0][3],
              f"a value that is not JSON is a decode dead letter with its bytes: {lines[0]}")
        check(lines[1][0] == "source" and lines[1][1] == "2" and lines[1][2] == "this line is not a record",
              f"a line that is not a record is a source dead letter with its line number: {lines[1]}")
    finally:
        cleanup(tote.data_dir)


if __name__ == "__main__":
    main()

"""Column types come from the source's value schema, never from the first value (issue 16,
point 4), through the real `tote ingest --jsonl` on schemas-enabled Debezium JSON: on the
embedded engine, then on ClickHouse 18.16 (Debian's server, started for the test) when it is
installed.

The records are built from the bets record of the real capture
tests/golden/debezium/e_schemas_enable_true.jsonl (Debezium 3.7, PostgreSQL 15; the same bytes
as ../shared/real-debezium/e_schemas_enable_true.jsonl): same schema, envelope and source
block, with new ids, stakes and positions.

1. First value (schemas on): the first bets message carries `stake` as the JSON string "12.50" where its
   schema declares org.apache.kafka.connect.data.Decimal (bytes, scale 2); 1,000 correct
   messages follow. Expected: exactly 1 dead letter (raw bytes, offset, a reason naming table,
   column, declared type and the value) and 1,000 landed rows, `stake` typed
   Nullable(Decimal(38, 2)) from the schema; `payout`, null in every message, is typed
   from its declared type too.
2. ALTER COLUMN in the source (docs/warehouse.md, "Column types"): player_id int32 -> int64
   is an exact widening (lands); stake numeric(18,2) -> numeric(18,3) keeps the landed
   Decimal(38, 2) column: a value exact at scale 2 lands, 10.125 is dead-lettered naming the
   change and what to do; status string -> int32 cannot land in the String column: dead letter.
   Each change of a landed column's declared type is reported once in etl_log (rule
   landing_type_changed) and on stderr. Then the operator's procedure: MODIFY COLUMN as the
   reason says, ingest again under a new consumer name: 10.125 lands.
3. First value with schemas off (e_schemas_enable_false.jsonl's shape): the types declared by
   the mapping file's source_types (mappings/real_debezium.yaml), then by the source catalog
   (`--source-catalog`, a throwaway PostgreSQL 15 with the captures' bets table): the first
   message's player_id "5" is 1 dead letter, 1,000 correct messages land, every column typed as
   declared."""
import base64
import copy
import decimal
import json
import os
import shutil
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from tote_harness import Tote, check, cleanup, ingested_line, temp_data_dir  # noqa: E402


def compact(doc):
    return json.dumps(doc, separators=(",", ":"))


def b64_unscaled(unscaled):
    n = (unscaled.bit_length() + 8) // 8
    return base64.b64encode(unscaled.to_bytes(n, "big", signed=True)).decode()


def template(golden):
    with open(os.path.join(golden, "e_schemas_enable_true.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r["topic"] == "tote.public.bets" and r["value"]:
                return r
    raise SystemExit("no bets record in e_schemas_enable_true.jsonl")


def after_schema(value):
    return [f for f in value["schema"]["fields"] if f["field"] == "after"][0]["fields"]


def bet_record(tmpl, offset, bet_id, stake, schema_edit=None, **after):
    r = copy.deepcopy(tmpl)
    value = json.loads(r["value"])
    key = json.loads(r["key"])
    key["payload"]["id"] = bet_id
    p = value["payload"]
    p["after"].update(id=bet_id, stake=stake, **after)
    p["source"]["lsn"] = 30000000 + offset * 8
    p["source"]["txId"] = 800 + offset
    p["transaction"] = None
    if schema_edit:
        for image in ("before", "after"):
            for f in [x for x in value["schema"]["fields"] if x["field"] == image][0]["fields"]:
                schema_edit(f)
    r.update(offset=offset, key=compact(key), value=compact(value))
    return r


def write(path, recs):
    with open(path, "w") as f:
        for r in recs:
            f.write(json.dumps(r) + "\n")


# The captures' bets columns as declared (value schema, mapping file or catalog), nulls included.
BETS_TYPES = {"id": "Nullable(Int64)", "player_id": "Nullable(Int64)",
              "stake": "Nullable(Decimal(38, 2))", "total_odds": "Nullable(Decimal(38, 4))",
              "status": "Nullable(String)", "payout": "Nullable(Decimal(38, 2))",
              "placed_at": "Nullable(String)", "settled_at": "Nullable(String)",
              "note": "Nullable(String)"}


def landed_bets_types(tote, db, common):
    return dict(l.split("\t") for l in tote.query(
        f"SELECT name, type FROM system.columns WHERE database = '{db}' AND table = 'land_bets' "
        "AND substring(name, 1, 1) != '_'", *common).strip().splitlines())


def first_value(tote, tmpl, common):
    db = "types_first"
    recs = [bet_record(tmpl, 0, 1, "12.50")]
    recs += [bet_record(tmpl, i, 1 + i, b64_unscaled(i * 100 + 25)) for i in range(1, 1001)]
    path = os.path.join(tote.data_dir, "first_value.jsonl")
    write(path, recs)
    out = tote.run(*common, "--database", db, "ingest", "--no-facts", "--jsonl", path).stdout
    line = ingested_line(out)
    check(line.startswith("ingested 1,001 records (1,000 changes, 1 dead letters)"),
          f"first value: 1,001 read, 1,000 changes, 1 dead letter: {line}")
    dead = tote.query(f"SELECT offset, value, stage, reason FROM {db}._dead_letters FINAL", *common)
    rows = [l.split("\t") for l in dead.strip().splitlines()]
    check(len(rows) == 1, f"first value: exactly one dead letter ({len(rows)})")
    off, value, stage, reason = rows[0]
    reason = reason.encode().decode("unicode_escape")  # TabSeparated escapes quotes
    check(off == "0" and value.encode().decode("unicode_escape") == recs[0]["value"],
          f"first value: the dead letter keeps offset 0 and the raw bytes")
    for part in ["bets.stake", "Decimal", "scale 2", "'12.50'"]:
        check(part in reason, f"first value: the reason names {part!r}: {stage}: {reason}")
    landed = tote.query(f"SELECT count(), sum(stake) FROM {db}.land_bets FINAL WHERE _deleted = 0", *common).split()
    want_sum = decimal.Decimal(sum(i * 100 + 25 for i in range(1, 1001))).scaleb(-2)
    check(landed[0] == "1000" and decimal.Decimal(landed[1]) == want_sum,
          f"first value: 1,000 landed rows, stakes exact: {landed} (sum {want_sum})")
    types = landed_bets_types(tote, db, common)
    check(types == BETS_TYPES, f"first value: every column typed from the schema, nulls included: {types}")


def schemaless_template(golden):
    with open(os.path.join(golden, "e_schemas_enable_false.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r["topic"].endswith(".public.bets") and r["value"]:
                return r
    raise SystemExit("no bets record in e_schemas_enable_false.jsonl")


def schemaless_record(tmpl, offset, bet_id, **after):
    r = copy.deepcopy(tmpl)
    value = json.loads(r["value"])
    value["after"].update(id=bet_id, **after)
    value["source"]["lsn"] = 40000000 + offset * 8
    value["source"]["txId"] = 900 + offset
    value["transaction"] = None
    r.update(offset=offset, key=compact({"id": bet_id}), value=compact(value))
    return r


def schemaless_first_value(tote, golden, common, label, db, declare):
    """Schemas off: the declared types (mapping file or source catalog) type the columns. The
    first message's player_id is the string "5" where bigint is declared; 1,000 correct
    messages follow (precise decimals: base64 read with the declared scale)."""
    tmpl = schemaless_template(golden)
    recs = [schemaless_record(tmpl, 0, 1, player_id="5")]
    recs += [schemaless_record(tmpl, i, 1 + i, player_id=i, stake=b64_unscaled(i * 100 + 25))
             for i in range(1, 1001)]
    path = os.path.join(tote.data_dir, f"schemaless_{db}.jsonl")
    write(path, recs)
    out = tote.run(*common, "--database", db, "ingest", "--no-facts", "--jsonl", path,
                   "--decimal-mode", "precise", *declare).stdout
    line = ingested_line(out)
    check(line.startswith("ingested 1,001 records (1,000 changes, 1 dead letters)"),
          f"{label}: 1,001 read, 1,000 changes, 1 dead letter: {line}")
    dead = [l.split("\t") for l in tote.query(
        f"SELECT offset, value, reason FROM {db}._dead_letters FINAL", *common).strip().splitlines()]
    check(len(dead) == 1 and dead[0][0] == "0" and
          dead[0][1].encode().decode("unicode_escape") == recs[0]["value"],
          f"{label}: exactly one dead letter, at offset 0 with its raw bytes")
    reason = dead[0][2].encode().decode("unicode_escape")
    for part in ["bets.player_id", "'5' (a string)", "declared type int64", "declared by"]:
        check(part in reason, f"{label}: the reason names {part!r}: {reason}")
    landed = tote.query(f"SELECT count(), sum(stake), sum(player_id) FROM {db}.land_bets FINAL "
                        "WHERE _deleted = 0", *common).split()
    want_sum = decimal.Decimal(sum(i * 100 + 25 for i in range(1, 1001))).scaleb(-2)
    check(landed[0] == "1000" and decimal.Decimal(landed[1]) == want_sum and
          landed[2] == str(sum(range(1, 1001))),
          f"{label}: 1,000 landed rows, stakes exact: {landed} (sum {want_sum})")
    types = landed_bets_types(tote, db, common)
    check(types == BETS_TYPES, f"{label}: every column typed as declared, nulls included: {types}")


# The bets table of ../shared/real-debezium/schema.sql (the captures' source).
BETS_DDL = """CREATE TABLE bets (id bigserial PRIMARY KEY, player_id bigint, stake numeric(18,2),
  total_odds numeric(10,4), status text, payout numeric(18,2), placed_at timestamptz DEFAULT now(),
  settled_at timestamptz, note text)"""


def catalog_first_value(tote, golden):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "oltp"))
    import postgres_cluster  # noqa: E402
    if not postgres_cluster.installed():
        print("PostgreSQL 15 is not installed: the source catalog case is skipped")
        return
    pg = postgres_cluster.PostgresCluster()
    try:
        pg.start()
        pg.psql("CREATE DATABASE sportsbook")
        pg.psql(BETS_DDL, "sportsbook")
        schemaless_first_value(tote, golden, [], "source catalog", "types_catalog",
                               ["--source-catalog", pg.url("sportsbook")])
    finally:
        pg.stop()


def alter_column(tote, tmpl, common):
    db = "types_alter"

    def v1(f):  # before the ALTERs: player_id int32
        if f["field"] == "player_id":
            f["type"] = "int32"

    def v2(f):  # after: player_id int64, stake numeric(18,3), status an integer code
        if f["field"] == "stake":
            f["parameters"]["scale"] = "3"
        if f["field"] == "status":
            f["type"] = "int32"

    recs = [
        bet_record(tmpl, 0, 1, b64_unscaled(1050), v1, player_id=7),
        bet_record(tmpl, 1, 2, b64_unscaled(10500), v2, player_id=2**40, status=None),
        bet_record(tmpl, 2, 3, b64_unscaled(10125), v2, status=None),
        bet_record(tmpl, 3, 4, b64_unscaled(20000), v2, status=3),
    ]
    path = os.path.join(tote.data_dir, "alter.jsonl")
    write(path, recs)
    proc = tote.run(*common, "--database", db, "ingest", "--no-facts", "--jsonl", path)
    line = ingested_line(proc.stdout)
    check(line.startswith("ingested 4 records (2 changes, 2 dead letters)"), f"alter: {line}")
    landed = [decimal.Decimal(x) for x in tote.query(
        f"SELECT id, player_id, stake FROM {db}.land_bets FINAL ORDER BY id", *common).split()]
    check(landed == [1, 7, decimal.Decimal("10.5"), 2, 2**40, decimal.Decimal("10.5")],
          f"alter: int32 -> int64 widens, 10.500 lands exactly as 10.50: {landed}")
    dead = [l.encode().decode("unicode_escape").split("\t") for l in tote.query(
        f"SELECT offset, stage, reason FROM {db}._dead_letters FINAL ORDER BY offset", *common).strip().splitlines()]
    check([d[0] for d in dead] == ["2", "3"], f"alter: offsets 2 and 3 are dead letters: {dead}")
    for part in ["stake", "Decimal(38, 3)", "Decimal(38, 2)", "10.125", "ALTER", "MODIFY COLUMN"]:
        check(part in dead[0][2], f"alter: the stake dead letter names {part!r}: {dead[0][2]}")
    for part in ["status", "Int64", "String", "value 3 ", "ALTER"]:
        check(part in dead[1][2], f"alter: the status dead letter names {part!r}: {dead[1][2]}")
    log = [l.encode().decode("unicode_escape").split("\t") for l in tote.query(
        f"SELECT rule, severity, entity, entity_key, log_offset, details FROM {db}.etl_log FINAL "
        "WHERE rule = 'landing_type_changed' ORDER BY entity_key", *common).strip().splitlines()]
    # status is declared int32 from offset 1 on (null there and at offset 2): reported there.
    check([(l[2], l[3], l[4]) for l in log] == [("land_bets", "stake", "1"), ("land_bets", "status", "1")],
          f"alter: etl_log reports each declared type change once, at its first record: {log}")
    for l in log:
        check("ALTER" in l[5], f"alter: the report says what happened: {l[5]}")
    check("landing_type_changed" in proc.stderr and "stake" in proc.stderr and "status" in proc.stderr,
          f"alter: ingest tells the operator on stderr: {proc.stderr.strip()}")

    # The operator's way to take the new type (docs/operations.md, "A column's type changed in
    # the source"): the MODIFY COLUMN the dead letter names, then ingest again under a new
    # consumer name (from the start; rows collapse by source position).
    tote.run(*common, "query", "--write", f"ALTER TABLE `{db}`.`land_bets` MODIFY COLUMN `stake` "
             "Nullable(Decimal(38, 3))")
    again = tote.run(*common, "--database", db, "ingest", "--no-facts", "--consumer", "after_alter",
                     "--jsonl", path)
    line = ingested_line(again.stdout)
    check(line.startswith("ingested 4 records (3 changes, 1 dead letters)"),
          f"alter: after MODIFY COLUMN the stake change lands, the status one still cannot: {line}")
    landed = [decimal.Decimal(x) for x in tote.query(
        f"SELECT id, stake FROM {db}.land_bets FINAL ORDER BY id", *common).split()]
    check(landed == [1, decimal.Decimal("10.5"), 2, decimal.Decimal("10.5"), 3, decimal.Decimal("10.125")],
          f"alter: 10.125 landed exactly, the earlier rows kept: {landed}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    binary, golden, ch18_script = sys.argv[1], sys.argv[2], sys.argv[3]
    tmpl = template(golden)
    tote = Tote(binary, temp_data_dir("source-types"))
    try:
        print("== the embedded engine")
        first_value(tote, tmpl, [])
        alter_column(tote, tmpl, [])
        mapping = os.path.join(golden, "..", "..", "..", "mappings", "real_debezium.yaml")
        schemaless_first_value(tote, golden, [], "mapping file", "types_mapping",
                               ["--mapping", mapping])
        catalog_first_value(tote, golden)
    finally:
        cleanup(tote.data_dir)
    # The same on ClickHouse 18.16 (Debian's server) when it is installed.
    if not (shutil.which("clickhouse-server") or os.path.exists("/usr/sbin/clickhouse-server")):
        print("clickhouse-server is not installed: the 18.16 half is skipped")
        return
    data = temp_data_dir("source-types-18")
    server_dir = os.path.join(data, "server")
    port = free_port()
    subprocess.run([ch18_script, "start", server_dir, str(port)], check=True)
    try:
        print("== ClickHouse 18.16")
        tote = Tote(binary, os.path.join(data, "tote"))
        os.makedirs(tote.data_dir, exist_ok=True)
        common = ["--clickhouse-url", f"http://127.0.0.1:{port}"]
        version = tote.query("SELECT version()", *common)
        check(version.startswith("18.16"), f"the server is ClickHouse {version.strip()}")
        first_value(tote, tmpl, common)
        alter_column(tote, tmpl, common)
    finally:
        subprocess.run([ch18_script, "stop", server_dir, str(port)], check=False)
        cleanup(data)


if __name__ == "__main__":
    main()

#include "decode/debezium_json_decoder.h"

#include <gtest/gtest.h>

#include <regex>

#include "decode/decode_result_format.h"
#include "decode_test_util.h"

namespace tote {
namespace {

using test::change;
using test::decode_all;
using test::failure;
using test::read_capture;
using test::record;
using test::value_of;

DebeziumDecoderConfig money_config() {
    DebeziumDecoderConfig c;
    c.money_columns = {"bets.stake", "bets.payout"};
    return c;
}

Decimal dec(__int128 unscaled, int32_t scale) {
    return Decimal{unscaled, scale};
}

// A schemas-off envelope with the given op and extra/overridden fields.
std::string envelope(
    const std::string& op, const std::string& after = R"({"id":5,"name":"x"})",
    const std::string& source =
        R"({"table":"players","lsn":100,"txId":7,"ts_ms":1000,"snapshot":"false"})") {
    return R"({"before":null,"after":)" + after + R"(,"source":)" + source +
           R"(,"transaction":{"id":"7:100","total_order":3,"data_collection_order":1},"op":")" +
           op + R"("})";
}

TEST(DebeziumJsonDecoder, PrimaryKeyUpdateIsDeleteTombstoneCreateOfTwoKeys) {
    DebeziumJsonDecoder d;
    auto res = decode_all(d, read_capture("debezium/b2_pk_update.jsonl"));
    ASSERT_EQ(res.size(), 5u);
    const auto& del = change(res[1]);
    EXPECT_TRUE(std::holds_alternative<Tombstone>(res[2]));
    const auto& create = change(res[3]);
    EXPECT_EQ(del.op, Op::Delete);
    EXPECT_EQ(del.key, R"({"bet_id":2,"leg_no":1})");
    EXPECT_EQ(create.op, Op::Create);
    EXPECT_EQ(create.key, R"({"bet_id":2,"leg_no":9})");
    EXPECT_EQ(del.source.tx_id, 740u);
    EXPECT_EQ(create.source.tx_id, 740u);
    EXPECT_EQ(del.source.lsn, 26465624u);
    EXPECT_EQ(create.source.lsn, 26465624u);
    EXPECT_EQ(del.source.total_order, 1u);
    EXPECT_EQ(create.source.total_order, 2u);
    // One WAL record, two rows: the delete of the old key and the create of the new one share
    // the version of their LSN (distinct keys, so they never compete).
    EXPECT_EQ(del.version, make_version(26465624u, VersionRank::Change));
    EXPECT_EQ(create.version, del.version);
    EXPECT_TRUE(del.before.has_value());
    EXPECT_FALSE(del.after.has_value());
    EXPECT_EQ(value_of(create.after, "odds"), Value(dec(19100, 4)));
}

TEST(DebeziumJsonDecoder, SnapshotVersionsRankByTheSnapshotsPosition) {
    DebeziumJsonDecoder d;
    auto snap = decode_all(d, read_capture("debezium/a_snapshot.jsonl"));
    auto streamed = decode_all(d, read_capture("debezium/b_single_row.jsonl"));
    ASSERT_EQ(snap.size(), 9u);
    uint64_t lowest_streamed = UINT64_MAX;
    for (const auto& r : streamed)
        if (const auto* e = std::get_if<ChangeEvent>(&r))
            lowest_streamed = std::min(lowest_streamed, e->version);
    ASSERT_NE(lowest_streamed, UINT64_MAX);
    for (const auto& r : snap) {
        const auto& e = change(r);
        EXPECT_EQ(e.op, Op::Read);
        EXPECT_TRUE(e.source.snapshot);  // first, true, last, *_in_data_collection
        EXPECT_EQ(e.source.lsn, 26465072u);
        EXPECT_EQ(e.source.total_order, 0u);
        EXPECT_EQ(e.version, make_version(26465072u, VersionRank::SnapshotRead));
        EXPECT_LT(e.version, lowest_streamed);  // streamed after the snapshot
    }
    // Only the last read of each table ends it (last_in_data_collection, or last).
    std::vector<std::string> ends;
    for (const auto& r : snap)
        if (change(r).source.snapshot_table_end) ends.push_back(change(r).table);
    EXPECT_EQ(ends, (std::vector<std::string>{"players", "wallet_tx", "bets", "bet_legs"}));
    // An incremental snapshot never says where a table ends (it may be filtered): its reads
    // only replace, they remove nothing.
    std::string incremental = envelope(
        "r", R"({"id":5,"name":"x"})",
        R"({"table":"players","lsn":4096,"txId":7,"ts_ms":1000,"snapshot":"incremental"})");
    const auto inc = d.decode(record("p.public.players", R"({"id":5})", incremental));
    EXPECT_TRUE(change(inc).source.snapshot);
    EXPECT_FALSE(change(inc).source.snapshot_table_end);
    EXPECT_EQ(change(inc).version, make_version(4096, VersionRank::SnapshotRead));
    // A snapshot read ranks by its position: above a change before it, below one after it.
    SourcePosition s{.lsn = 1000, .snapshot = true};
    EXPECT_GT(pack_version(s), pack_version(SourcePosition{.lsn = 992}));
    EXPECT_LT(pack_version(s), pack_version(SourcePosition{.lsn = 1000}));
}

TEST(DebeziumJsonDecoder, ToastPlaceholderBecomesUnavailable) {
    DebeziumJsonDecoder d;
    auto res = decode_all(d, read_capture("debezium/g_toast_replica_identity_default.jsonl"));
    const auto& upd = change(res[4]);
    EXPECT_EQ(upd.op, Op::Update);
    EXPECT_TRUE(std::holds_alternative<UnavailableValue>(value_of(upd.after, "note")));
    EXPECT_EQ(upd.after->find("note")->type.kind, ColumnKind::String);
    EXPECT_EQ(upd.unavailable, std::vector<std::string>{"note"});
    EXPECT_EQ(value_of(upd.after, "payout"), Value(dec(1500, 2)));
    EXPECT_EQ(value_of(upd.after, "status"), Value(std::string("won")));
    // Other records carry the full text and no unavailable columns.
    const auto& insert = change(res[1]);
    EXPECT_TRUE(insert.unavailable.empty());
    EXPECT_TRUE(std::holds_alternative<std::string>(value_of(insert.after, "note")));
}

TEST(DebeziumJsonDecoder, TruncateHasEmptyKeyAndTheTruncateRank) {
    DebeziumJsonDecoder d;
    auto res = decode_all(d, read_capture("debezium/f_truncate.jsonl"));
    const auto& t1 = change(res[4]);
    EXPECT_EQ(t1.op, Op::Truncate);
    EXPECT_EQ(t1.table, "bet_legs");
    EXPECT_EQ(t1.key, "");
    EXPECT_FALSE(t1.before.has_value());
    EXPECT_FALSE(t1.after.has_value());
    const auto& a = change(res[7]);
    const auto& b = change(res[8]);
    EXPECT_EQ(a.table, "wallet_tx");
    EXPECT_EQ(b.table, "bet_legs");
    EXPECT_EQ(a.source.lsn, b.source.lsn);
    EXPECT_EQ(a.source.tx_id, b.source.tx_id);
    // One TRUNCATE of two tables: one position, one marker per table.
    EXPECT_EQ(a.version, make_version(a.source.lsn, VersionRank::Truncate));
    EXPECT_EQ(b.version, a.version);
    // END carries the commit LSN, which the transaction's versions take
    // (core/commit_versions.h).
    const auto& end = std::get<TxMarker>(res[9]);
    EXPECT_FALSE(end.begin);
    EXPECT_EQ(end.lsn, 26489528u);
}

TEST(DebeziumJsonDecoder, BeginEndMarkers) {
    DebeziumJsonDecoder d;
    auto res = decode_all(d, read_capture("debezium/c_transaction.jsonl"));
    ASSERT_EQ(res.size(), 7u);
    const auto& begin = std::get<TxMarker>(res[0]);
    EXPECT_TRUE(begin.begin);
    EXPECT_EQ(begin.tx_id, 741u);
    EXPECT_EQ(begin.event_count, 0u);
    EXPECT_EQ(begin.ts_ms, 1795601078493);
    const auto& end = std::get<TxMarker>(res[6]);
    EXPECT_FALSE(end.begin);
    EXPECT_EQ(end.tx_id, 741u);
    EXPECT_EQ(end.event_count, 5u);
    EXPECT_EQ(begin.lsn, 26465864u);  // BEGIN's id: the first change's LSN
    EXPECT_EQ(end.lsn, 26466680u);    // END's id: the commit LSN, after every change
    for (size_t i = 1; i <= 5; ++i) {
        EXPECT_LT(change(res[i]).source.lsn, end.lsn);
        EXPECT_EQ(change(res[i]).source.tx_id, 741u);
        EXPECT_EQ(change(res[i]).source.total_order, i);
    }
    auto empty = decode_all(d, read_capture("debezium/f_truncate_default.jsonl"));
    EXPECT_EQ(std::get<TxMarker>(empty[1]).event_count, 0u);
    EXPECT_FALSE(std::get<TxMarker>(empty[1]).begin);
    // Schemas off: the same markers.
    auto off = decode_all(d, read_capture("debezium/e_schemas_enable_false.jsonl"));
    EXPECT_EQ(std::get<TxMarker>(off[3]).event_count, 2u);
    EXPECT_EQ(std::get<TxMarker>(off[3]).tx_id, 752u);
}

TEST(DebeziumJsonDecoder, PreciseDecimalsWithSchemaAreExact) {
    DebeziumJsonDecoder d(money_config());
    auto res = decode_all(d, read_capture("debezium/d_decimal_precise.jsonl"));
    ASSERT_EQ(res.size(), 5u);
    const auto& zero = change(res[0]);
    EXPECT_EQ(value_of(zero.after, "stake"), Value(dec(0, 2)));
    EXPECT_EQ(value_of(zero.after, "total_odds"), Value(dec(10001, 4)));
    EXPECT_EQ(value_of(zero.after, "payout"), Value(NullValue{}));
    EXPECT_EQ(zero.after->find("payout")->type, (ColumnType{ColumnKind::Decimal, 2}));
    const auto& max = change(res[1]);
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(max.after, "stake"))), "1234567890123456.78");
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(max.after, "payout"))), "9999999999999999.99");
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(max.after, "total_odds"))), "999999.9999");
    const auto& neg = change(res[2]);
    EXPECT_EQ(value_of(neg.after, "stake"), Value(dec(-550, 2)));
    EXPECT_EQ(value_of(neg.after, "payout"), Value(dec(-1, 2)));
    const auto& pad = change(res[3]);
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(pad.after, "stake"))), "10.10");
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(pad.after, "total_odds"))), "2.0000");
    EXPECT_EQ(to_string(std::get<Decimal>(value_of(pad.after, "payout"))), "0.50");
}

TEST(DebeziumJsonDecoder, StringModeDecimalsStayText) {
    DebeziumJsonDecoder d(money_config());
    auto res = decode_all(d, read_capture("debezium/d_decimal_string.jsonl"));
    EXPECT_EQ(value_of(change(res[1]).after, "stake"), Value(std::string("1234567890123456.78")));
    EXPECT_EQ(value_of(change(res[2]).after, "payout"), Value(std::string("-0.01")));
}

TEST(DebeziumJsonDecoder, DoubleModeMoneyColumnsAreDeadLettered) {
    DebeziumJsonDecoder strict(money_config());
    for (const auto& r : decode_all(strict, read_capture("debezium/d_decimal_double.jsonl"))) {
        auto reason = failure(r);
        EXPECT_NE(reason.find("money column bets.stake (after) arrived as a double "
                              "(decimal.handling.mode=double): not exact; configure the "
                              "connector with decimal.handling.mode=string or precise"),
                  std::string::npos)
            << reason;
    }
    // Not configured as money: a double is a Float64 (total_odds here).
    DebeziumJsonDecoder lax;
    auto res = decode_all(lax, read_capture("debezium/d_decimal_double.jsonl"));
    EXPECT_EQ(value_of(change(res[1]).after, "stake"), Value(1.2345678901234568E15));
    EXPECT_EQ(value_of(change(res[0]).after, "total_odds"), Value(1.0001));
}

TEST(DebeziumJsonDecoder, PreciseDecimalWithoutSchemaNeedsAScale) {
    auto records = read_capture("debezium/e_schemas_enable_false.jsonl");
    const LogRecord& bet = records[2];
    DebeziumJsonDecoder strict(money_config());
    auto reason = failure(strict.decode(bet));
    EXPECT_NE(reason.find("money column bets.stake (after) arrived as 'Awk='"), std::string::npos)
        << reason;
    EXPECT_NE(reason.find("scale is unknown"), std::string::npos) << reason;
    EXPECT_NE(reason.find("decimal_scales"), std::string::npos) << reason;

    DebeziumJsonDecoder lax;  // not configured: a base64 string is just a String
    EXPECT_EQ(value_of(change(lax.decode(bet)).after, "stake"), Value(std::string("Awk=")));

    DebeziumDecoderConfig c = money_config();
    c.decimal_scales = {{"bets.stake", 2}, {"bets.payout", 2}, {"bets.total_odds", 4}};
    DebeziumJsonDecoder scaled(c);
    auto scaled_result = scaled.decode(bet);
    const auto& e = change(scaled_result);
    EXPECT_EQ(value_of(e.after, "stake"), Value(dec(777, 2)));
    EXPECT_EQ(e.after->find("stake")->type, (ColumnType{ColumnKind::Decimal, 2}));
}

TEST(DebeziumJsonDecoder, SchemasOnAndOffGiveTheSameEvents) {
    DebeziumDecoderConfig c;
    c.decimal_scales = {{"bets.stake", 2}, {"bets.payout", 2}, {"bets.total_odds", 4}};
    DebeziumJsonDecoder d(c);
    auto on = decode_all(d, read_capture("debezium/e_schemas_enable_true.jsonl"));
    auto off = decode_all(d, read_capture("debezium/e_schemas_enable_false.jsonl"));
    ASSERT_EQ(on.size(), off.size());
    // Without a schema a null's type is unknown (String); everything else is identical.
    auto text = [](const DecodeResult& r) {
        return std::regex_replace(format_decode_result(r), std::regex(":[A-Za-z0-9()]+=null"),
                                  ":?=null");
    };
    for (size_t i = 0; i < on.size(); ++i) EXPECT_EQ(text(on[i]), text(off[i])) << "record " << i;
}

TEST(DebeziumJsonDecoder, CanonicalKey) {
    DebeziumJsonDecoder d;
    auto e = change(
        d.decode(record("p.public.players", R"({ "bet_id" : 1,  "leg_no" : 2 })", envelope("c"))));
    EXPECT_EQ(e.key, R"({"bet_id":1,"leg_no":2})");
    e = change(d.decode(record("p.public.players",
                               R"({"schema":{"type":"struct","fields":[]},"payload":{"id":5}})",
                               envelope("c"))));
    EXPECT_EQ(e.key, R"({"id":5})");
    // Keys that are not already canonical go through the parser and are minified.
    auto key_of = [&](const std::string& k) {
        auto r = d.decode(record("p.public.players", k, envelope("c")));
        return std::holds_alternative<ChangeEvent>(r)
                   ? std::get<ChangeEvent>(r).key
                   : "failure: " + std::get<DecodeFailure>(r).reason;
    };
    EXPECT_EQ(key_of(R"({"id":-0})"), R"({"id":0})");
    EXPECT_EQ(key_of(R"({"id":-12,"s":"a"})"), R"({"id":-12,"s":"a"})");
    EXPECT_EQ(key_of(R"({"s":"a\"b"})"), R"({"s":"a\"b"})");
    EXPECT_EQ(key_of(R"({"id":007})").rfind("failure: key is not valid JSON", 0), 0u);
    EXPECT_EQ(key_of(R"({"id":5,})").rfind("failure: key is not valid JSON", 0), 0u);
    EXPECT_EQ(key_of("{}"), "failure: key has no fields");
    EXPECT_EQ(e.table, "players");
    EXPECT_EQ(e.source.lsn, 100u);
    EXPECT_EQ(e.source.tx_id, 7u);
    EXPECT_EQ(e.source.total_order, 3u);
    EXPECT_EQ(e.source.commit_ts_ms, 1000);
    EXPECT_FALSE(e.source.snapshot);
    EXPECT_EQ(e.version, pack_version(e.source));
}

TEST(DebeziumJsonDecoder, InferredTypesWithoutSchema) {
    DebeziumJsonDecoder d;
    auto e = change(d.decode(record(
        "p.public.players", R"({"id":5})",
        envelope(
            "c",
            R"({"id":5,"f":1.5,"b":true,"s":"x","n":null,"o":{"a": [1, 2]},"t":"__debezium_unavailable_value"})"))));
    const auto& f = e.after->fields;
    ASSERT_EQ(f.size(), 7u);
    EXPECT_EQ(f[0], (Field{"id", {ColumnKind::Int64}, int64_t{5}}));
    EXPECT_EQ(f[1], (Field{"f", {ColumnKind::Float64}, 1.5}));
    EXPECT_EQ(f[2], (Field{"b", {ColumnKind::Bool}, true}));
    EXPECT_EQ(f[3], (Field{"s", {ColumnKind::String}, std::string("x")}));
    EXPECT_EQ(f[4], (Field{"n", {ColumnKind::String}, NullValue{}}));
    EXPECT_EQ(f[5], (Field{"o", {ColumnKind::String}, std::string(R"({"a":[1,2]})")}));
    EXPECT_EQ(f[6], (Field{"t", {ColumnKind::String}, UnavailableValue{}}));
    EXPECT_EQ(e.unavailable, std::vector<std::string>{"t"});
}

TEST(DebeziumJsonDecoder, TableNamedTransactionIsNotMetadata) {
    DebeziumJsonDecoder d;
    auto res = d.decode(record("tote.public.transaction", R"({"id":5})", envelope("c")));
    EXPECT_EQ(change(res).key, R"({"id":5})");
}

TEST(DebeziumJsonDecoder, TransactionMetadataRoutedIntoTheChangeTopicIsKnownByItsShape) {
    // One ordered topic per database (docs/operations.md): BEGIN/END share the changes' topic.
    DebeziumJsonDecoder d;
    auto res = d.decode(record("p.all", R"({"id":"571:1"})",
                               R"({"status":"END","id":"571:1","ts_ms":9,)"
                               R"("event_count":3,"data_collections":[]})"));
    ASSERT_TRUE(std::holds_alternative<TxMarker>(res));
    const auto& m = std::get<TxMarker>(res);
    EXPECT_FALSE(m.begin);
    EXPECT_EQ(m.tx_id, 571u);
    EXPECT_EQ(m.event_count, 3u);
    // ... and a change on that topic after it is still a change (the decoder's storage reused).
    DecodeResult r2 = res;
    d.decode_into(record("p.all", R"({"id":5})", envelope("c")), r2);
    EXPECT_EQ(change(r2).key, R"({"id":5})");
    // A bad marker there says what is wrong with it, as on the transaction topic.
    EXPECT_EQ(failure(d.decode(
                  record("p.all", R"({"id":"1"})", R"({"status":"MIDDLE","id":"1:2","ts_ms":1})"))),
              "transaction metadata status 'MIDDLE' is neither BEGIN nor END");
}

TEST(DebeziumJsonDecoder, NullValueIsTombstone) {
    DebeziumJsonDecoder d;
    EXPECT_TRUE(std::holds_alternative<Tombstone>(
        d.decode(record("p.public.players", R"({"id":1})", std::nullopt))));
}

TEST(DebeziumJsonDecoder, MalformedInputsGiveSpecificReasons) {
    DebeziumJsonDecoder d;
    const std::string key = R"({"id":5})";
    auto reason = [&](std::optional<std::string> k, std::string v,
                      std::string topic = "p.public.players") {
        return failure(d.decode(record(topic, std::move(k), std::move(v))));
    };
    std::string good = envelope("c");
    EXPECT_EQ(reason(key, good.substr(0, good.size() / 2)).rfind("value is not valid JSON", 0), 0u);
    EXPECT_EQ(reason(key, "[1,2]"), "value is an array, expected an object");
    EXPECT_EQ(reason(key, R"({"before":null,"after":{"id":1},"source":{}})"), "op missing");
    EXPECT_EQ(reason(key, R"({"op":5,"source":{}})"), "op is an integer, expected a string");
    EXPECT_EQ(reason(key, envelope("x")), "unknown op 'x' (expected c, u, d, r or t)");
    EXPECT_EQ(reason(key, R"({"op":"c","after":{"id":1}})"), "source missing");
    EXPECT_EQ(reason(key, R"({"op":"c","after":{"id":1},"source":[]})"),
              "source is an array, expected an object");
    EXPECT_EQ(reason(key, envelope("c", R"({"id":1})", R"({"lsn":1,"ts_ms":1})")),
              "source.table missing");
    EXPECT_EQ(reason(key, envelope("c", R"({"id":1})", R"({"table":"t","lsn":"1","ts_ms":1})")),
              "source.lsn is a string, expected an integer");
    EXPECT_EQ(reason(key, envelope("c", R"({"id":1})", R"({"table":"t","lsn":1})")),
              "source.ts_ms missing");
    EXPECT_EQ(reason(key, envelope("c", R"({"id":1})",
                                   R"({"table":"t","lsn":1,"ts_ms":1,"snapshot":"maybe"})")),
              "source.snapshot has the unknown value 'maybe'");
    EXPECT_EQ(reason(std::nullopt, good), "key missing: op c needs the row key");
    // Any 64-bit LSN packs (layout 1 dead-lettered those above 2^47-1).
    auto high = d.decode(record(
        "p.public.t", key,
        envelope("c", R"({"id":1})", R"({"table":"t","lsn":18446744073709551608,"ts_ms":1})")));
    EXPECT_EQ(change(high).version, ~uint64_t{0} - 3);
    EXPECT_EQ(reason("{id:5", good).rfind("key is not valid JSON", 0), 0u);
    EXPECT_EQ(reason("5", good), "key is an integer, expected an object");
    EXPECT_EQ(reason(key, envelope("c", "7")), "after is an integer, expected an object");
    EXPECT_EQ(reason(key, envelope("c", "null")), "after missing for op c");
    EXPECT_EQ(reason(key, envelope("d", "null")), "before missing for op d");
    EXPECT_EQ(reason(key, R"({"status":"MIDDLE","id":"1:2","ts_ms":1})", "p.transaction"),
              "transaction metadata status 'MIDDLE' is neither BEGIN nor END");
    EXPECT_EQ(reason(key, R"({"status":"END","id":"1:2","ts_ms":1})", "p.transaction"),
              "END event_count missing");
    EXPECT_EQ(reason(key, R"({"status":"BEGIN","id":"gtid:2","ts_ms":1})", "p.transaction"),
              "transaction id 'gtid:2' does not start with a numeric txId");
    // Schema says int64 but the value is a string.
    std::string with_schema =
        R"({"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"int64","field":"id"}]}]},"payload":)" +
        envelope("c", R"({"id":"5"})") + "}";
    EXPECT_EQ(reason(key, with_schema),
              "column players.id in after: value '5' (a string) does not fit the declared type "
              "int64: expected an integer");
    std::string bad_decimal =
        R"({"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"},"field":"id"}]}]},"payload":)" +
        envelope("c", R"({"id":"not base64!"})") + "}";
    EXPECT_EQ(
        reason(key, bad_decimal),
        "column players.id in after: value 'not base64!' (a string) does not fit the declared "
        "type Decimal(scale 2) (bytes org.apache.kafka.connect.data.Decimal): 'not base64!' is "
        "not base64 of a decimal's unscaled value");
    std::string unknown_column =
        R"({"schema":{"type":"struct","fields":[{"type":"struct","field":"after","fields":[{"type":"int64","field":"id"}]}]},"payload":)" +
        envelope("c", R"({"id":5,"extra":1})") + "}";
    EXPECT_EQ(reason(key, unknown_column),
              "column players.extra in after is not in the value schema");
}

// issue 12, case 10: the table's identity includes its schema (core/table_identity.h): tables of
// the default schema keep their bare names, same-named tables of other schemas do not meet
// them; a money column listed by its bare table name is still found.
TEST(DebeziumJsonDecoder, TableIdentityIncludesTheSchema) {
    DebeziumJsonDecoder d(money_config());
    auto source = [](const std::string& schema_field) {
        return R"({"db":"sportsbook",)" + schema_field +
               R"("table":"bets","lsn":100,"txId":7,"ts_ms":1000,"snapshot":"false"})";
    };
    const std::string after = R"({"id":5,"stake":"1.50"})";
    auto key = std::optional<std::string>(R"({"id":5})");
    EXPECT_EQ(
        change(d.decode(record("t", key, envelope("c", after, source(R"("schema":"public",)")))))
            .table,
        "bets");
    auto sales =
        change(d.decode(record("t", key, envelope("c", after, source(R"("schema":"sales",)")))));
    EXPECT_EQ(sales.table, "sales.bets");
    EXPECT_EQ(value_of(sales.after, "stake"), Value(std::string("1.50")));
    EXPECT_EQ(change(d.decode(record("t", key, envelope("c", after, source(R"("schema":"a.b",)")))))
                  .table,
              "a%2Eb.bets");
    // No schema field (e.g. Debezium's MySQL connector): the database names the schema.
    EXPECT_EQ(change(d.decode(record("t", key, envelope("c", after, source(""))))).table,
              "sportsbook.bets");
    EXPECT_NE(failure(d.decode(record("t", key, envelope("c", after, source(R"("schema":7,)"))))),
              "");
}

// issue 16, point 4: column types come from the value schema, never from the first value.
namespace source_types {

// The bets record of the real schemas-on capture (Debezium 3.7, PostgreSQL 15).
LogRecord bets_record() {
    for (const auto& r : read_capture("debezium/e_schemas_enable_true.jsonl"))
        if (r.topic == "tote.public.bets" && r.value) return r;
    ADD_FAILURE() << "no bets record";
    return {};
}

// `r` with every occurrence of `from` in its value replaced by `to`.
LogRecord edited(LogRecord r, const std::string& from, const std::string& to) {
    std::string& v = *r.value;
    size_t n = 0;
    for (size_t at = v.find(from); at != std::string::npos; at = v.find(from, at + to.size())) {
        v.replace(at, from.size(), to);
        ++n;
    }
    EXPECT_GT(n, 0u) << from;
    return r;
}

const Field& field(const DecodeResult& r, std::string_view name) {
    static const Field missing{"<missing>", {}, NullValue{}};
    const auto& e = change(r);
    const Field* f = e.after ? e.after->find(name) : nullptr;
    return f ? *f : missing;
}

}  // namespace source_types

TEST(DebeziumJsonDecoderSourceTypes, WrongFirstValueFailsNamingColumnDeclaredTypeAndValue) {
    using namespace source_types;
    DebeziumJsonDecoder d(money_config());
    const LogRecord good = bets_record();
    const LogRecord bad = edited(good, R"("stake":"Awk=")", R"("stake":"12.50")");
    EXPECT_EQ(failure(d.decode(bad)),
              "column bets.stake in after: value '12.50' (a string) does not fit the declared "
              "type Decimal(scale 2) (bytes org.apache.kafka.connect.data.Decimal): '12.50' is not "
              "base64 of a decimal's unscaled value");
    // A JSON number where the schema declares a decimal.
    EXPECT_EQ(failure(d.decode(edited(good, R"("stake":"Awk=")", R"("stake":12.5)"))),
              "column bets.stake in after: value 12.5 (a non-integer number) does not fit the "
              "declared type Decimal(scale 2) (bytes org.apache.kafka.connect.data.Decimal): "
              "expected a base64 string");
    // An integer column sent as a string.
    EXPECT_EQ(failure(d.decode(edited(good, R"("player_id":5)", R"("player_id":"5")"))),
              "column bets.player_id in after: value '5' (a string) does not fit the declared "
              "type int64: expected an integer");
    // The correct messages after it are typed by the schema, not by what came first.
    for (int i = 0; i < 3; ++i) {
        auto r = d.decode(good);
        EXPECT_EQ(field(r, "stake"), (Field{"stake", {ColumnKind::Decimal, 2}, dec(777, 2), true}));
        // A null is typed by its declaration too.
        EXPECT_EQ(field(r, "payout"),
                  (Field{"payout", {ColumnKind::Decimal, 2}, NullValue{}, true}));
        EXPECT_EQ(field(r, "settled_at"),
                  (Field{"settled_at", {ColumnKind::String}, NullValue{}, true}));
        EXPECT_EQ(field(r, "player_id"),
                  (Field{"player_id", {ColumnKind::Int64}, int64_t{5}, true}));
    }
}

TEST(DebeziumJsonDecoderSourceTypes, IntegersMustFitTheirDeclaredWidth) {
    using namespace source_types;
    DebeziumJsonDecoder d;
    const LogRecord good = bets_record();
    auto as = [&](const std::string& type, const std::string& value) {
        LogRecord r = edited(good, R"({"type":"int64","optional":true,"field":"player_id"})",
                             R"({"type":")" + type + R"(","optional":true,"field":"player_id"})");
        return d.decode(edited(r, R"("player_id":5)", R"("player_id":)" + value));
    };
    EXPECT_EQ(field(as("int8", "-128"), "player_id").value, Value(int64_t{-128}));
    EXPECT_EQ(failure(as("int8", "128")),
              "column bets.player_id in after: value 128 (an integer) does not fit the declared "
              "type int8: outside -128..127");
    EXPECT_EQ(field(as("int16", "32767"), "player_id").value, Value(int64_t{32767}));
    EXPECT_EQ(failure(as("int16", "-32769")),
              "column bets.player_id in after: value -32769 (an integer) does not fit the "
              "declared type int16: outside -32768..32767");
    EXPECT_EQ(field(as("int32", "2147483647"), "player_id").value, Value(int64_t{2147483647}));
    EXPECT_NE(failure(as("int32", "2147483648")).find("outside -2147483648..2147483647"),
              std::string::npos);
    EXPECT_EQ(field(as("int64", "9223372036854775807"), "player_id").value,
              Value(int64_t{9223372036854775807}));
    EXPECT_NE(failure(as("int64", "9223372036854775808"))
                  .find("(an integer above the Int64 range) does not fit the declared type int64"),
              std::string::npos);
    EXPECT_NE(failure(as("boolean", "1")).find("does not fit the declared type boolean"),
              std::string::npos);
    EXPECT_EQ(field(as("float64", "1"), "player_id"),
              (Field{"player_id", {ColumnKind::Float64}, 1.0, true}));
    // Logical names are kept in the reason: io.debezium.time.Date is an int32.
    LogRecord date = edited(
        good, R"({"type":"int64","optional":true,"field":"player_id"})",
        R"({"type":"int32","optional":true,"name":"io.debezium.time.Date","version":1,"field":"player_id"})");
    EXPECT_EQ(failure(d.decode(edited(date, R"("player_id":5)", R"("player_id":"2026-05-01")"))),
              "column bets.player_id in after: value '2026-05-01' (a string) does not fit the "
              "declared type int32 io.debezium.time.Date: expected an integer");
}

// The schema of a table is read once per distinct schema text; a changed schema (ALTER in the
// source) is read again, and returning to an earlier schema is exact too.
TEST(DebeziumJsonDecoderSourceTypes, ChangedSchemaTextIsReadAgain) {
    using namespace source_types;
    DebeziumJsonDecoder d;
    const LogRecord scale2 = bets_record();
    // numeric(18,2) -> numeric(18,3): the same bytes now mean 0.777.
    const LogRecord scale3 =
        edited(scale2, R"("scale":"2","connect.decimal.precision":"18"},"field":"stake")",
               R"("scale":"3","connect.decimal.precision":"18"},"field":"stake")");
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(field(d.decode(scale2), "stake").value, Value(dec(777, 2)));
        EXPECT_EQ(field(d.decode(scale2), "stake").value, Value(dec(777, 2)));
        EXPECT_EQ(field(d.decode(scale3), "stake"),
                  (Field{"stake", {ColumnKind::Decimal, 3}, dec(777, 3), true}));
        EXPECT_EQ(field(d.decode(scale3), "stake").type, (ColumnType{ColumnKind::Decimal, 3}));
    }
    // A schema that is not in the converter's compact form is still read (not cached).
    LogRecord spaced = scale3;
    spaced.value = R"({ "schema" :)" + spaced.value->substr(std::string(R"({"schema":)").size());
    EXPECT_EQ(field(d.decode(spaced), "stake").value, Value(dec(777, 3)));
    EXPECT_EQ(field(d.decode(scale2), "stake").value, Value(dec(777, 2)));
    // A schema whose only difference is past a string with an escaped quote and braces.
    LogRecord tricky =
        edited(scale2, R"("name":"tote.public.bets.Value","field":"after")",
               R"("name":"tote.public.bets.Value","doc":"a \"}{\" doc","field":"after")");
    EXPECT_EQ(field(d.decode(tricky), "stake").value, Value(dec(777, 2)));
    LogRecord tricky3 =
        edited(tricky, R"("scale":"2","connect.decimal.precision":"18"},"field":"stake")",
               R"("scale":"3","connect.decimal.precision":"18"},"field":"stake")");
    EXPECT_EQ(field(d.decode(tricky3), "stake").value, Value(dec(777, 3)));
    EXPECT_EQ(field(d.decode(tricky), "stake").value, Value(dec(777, 2)));
}

// A value whose schema text is cached has only its payload parsed: every outcome equals that of
// a fresh decoder (which parses the whole value), the malformed ones included.
TEST(DebeziumJsonDecoderSourceTypes, CachedSchemaGivesWhatAFreshDecoderGives) {
    using namespace source_types;
    DebeziumJsonDecoder warm(money_config());
    std::vector<LogRecord> records;
    for (const char* name :
         {"debezium/a_snapshot.jsonl", "debezium/b_single_row.jsonl",
          "debezium/c_transaction.jsonl", "debezium/d_decimal_precise.jsonl",
          "debezium/e_schemas_enable_true.jsonl", "debezium/f_truncate.jsonl",
          "debezium/g_toast_replica_identity_full.jsonl", "debezium/h_schema_evolution.jsonl"})
        for (auto& r : read_capture(name)) records.push_back(r);
    const LogRecord bets = bets_record();
    auto variant = [&](const std::string& value) {
        LogRecord r = bets;
        r.value = value;
        records.push_back(r);
    };
    const std::string& v = *bets.value;
    variant(v.substr(0, v.size() - 1));                     // the last brace missing
    variant(v.substr(0, v.size() - 1) + R"(,"extra":1})");  // a third member: not an envelope
    variant(v + "  \n");                                    // trailing whitespace
    variant(v.substr(0, v.size() - 2) + "}");               // the payload's brace missing
    variant(v.substr(0, v.find(R"(,"payload":)")) + R"(,"payload":[1]})");  // not an object
    variant(v.substr(0, v.find(R"(,"payload":)")) + R"(,"payload":{}} )");
    size_t checked = 0;
    for (int round = 0; round < 2; ++round)
        for (const auto& r : records) {
            DebeziumJsonDecoder fresh(money_config());
            EXPECT_EQ(format_decode_result(warm.decode(r)), format_decode_result(fresh.decode(r)))
                << r.topic << " offset " << r.offset.value << ": " << r.value.value_or("null");
            ++checked;
        }
    EXPECT_GT(checked, 100u);
}

// The MariaDB captures (tests/golden/mariadb/): versions from source.file/pos/row, GTIDs as
// transaction ids, schema changes recognised, commit order kept.
TEST(DebeziumJsonDecoder, MariaDbBinlogPositionsAndGtids) {
    DebeziumJsonDecoder d;
    auto rs = decode_all(d, read_capture("mariadb/mariadb_capture.jsonl"));
    ASSERT_EQ(rs.size(), 88u);
    size_t schema_changes = 0, failures = 0;
    uint64_t last_stream_version = 0;
    for (const auto& r : rs) {
        if (std::holds_alternative<SchemaChange>(r)) ++schema_changes;
        if (std::holds_alternative<DecodeFailure>(r)) ++failures;
        if (const auto* c = std::get_if<ChangeEvent>(&r); c && !c->source.snapshot) {
            EXPECT_GE(c->version, last_stream_version) << c->table << " " << c->key;
            last_stream_version = c->version;
        }
    }
    EXPECT_EQ(schema_changes, 27u);  // 26 from the snapshot, 1 ALTER TABLE
    EXPECT_EQ(failures, 0u);
    // The bet of GTID 0-1-151 at mariadb-bin.000004:18821, row 0.
    const ChangeEvent& bet = change(rs[44]);
    EXPECT_EQ(bet.table, "cap.bets");
    EXPECT_EQ(bet.source.tx_id, 151u);
    EXPECT_EQ(bet.version, ((((uint64_t{4} << 32 | 18821) << 12) | 1) << 3) | 4);
    // Snapshot reads rank below every streamed change.
    const ChangeEvent& snap = change(rs[32]);
    EXPECT_TRUE(snap.source.snapshot);
    EXPECT_EQ(version_rank(snap.version), VersionRank::SnapshotRead);
    EXPECT_LT(snap.version, bet.version);
    // BEGIN/END carry the GTID as transaction id, no position.
    const auto& end = std::get<TxMarker>(rs[48]);
    EXPECT_FALSE(end.begin);
    EXPECT_EQ(end.tx_id, 151u);
    EXPECT_EQ(end.event_count, 4u);
    EXPECT_EQ(end.lsn, 0u);
}

TEST(DebeziumJsonDecoder, MariaDbPositionsThatDoNotFitAreDeadLettered) {
    DebeziumJsonDecoder d;
    auto rs = read_capture("mariadb/mariadb_capture.jsonl");
    LogRecord bad_file = rs[44], bad_row = rs[44], bad_gtid = rs[44], bad_marker = rs[43];
    auto swap = [](std::optional<std::string>& v, const std::string& from, const std::string& to) {
        const size_t at = v->find(from);
        ASSERT_NE(at, std::string::npos) << from;
        v->replace(at, from.size(), to);
    };
    swap(bad_file.value, R"("file":"mariadb-bin.000004")", R"("file":"mariadb-bin")");
    swap(bad_row.value, R"("row":0)", R"("row":5000)");
    swap(bad_gtid.value, R"("id":"0-1-151")", R"("id":"3E11FA47-71CA-11E1:23")");
    swap(bad_marker.value, R"("id":"0-1-151")", R"("id":"file=mariadb-bin.000004,pos=18821")");
    EXPECT_EQ(failure(d.decode(bad_file)),
              "source.file 'mariadb-bin' does not end in a binlog file number (e.g. "
              "mariadb-bin.000004)");
    EXPECT_NE(failure(d.decode(bad_row)).find("row 5000 does not fit a row version"),
              std::string::npos);
    EXPECT_NE(failure(d.decode(bad_gtid)).find("is not a MariaDB GTID"), std::string::npos);
    EXPECT_NE(failure(d.decode(bad_marker)).find("nor a MariaDB GTID"), std::string::npos);
}

}  // namespace
}  // namespace tote

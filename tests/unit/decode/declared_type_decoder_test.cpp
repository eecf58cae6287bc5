// Declared types for messages without a value schema (DeclaredTypeDecoder): the real
// schemas-off capture typed by declarations decodes exactly as the schemas-on capture; a value
// that does not fit its declared type is a failure naming table, column, type, origin and
// value; the message's own schema always wins.
#include "decode/declared_type_decoder.h"

#include <gtest/gtest.h>

#include "decode/debezium_json_decoder.h"
#include "decode/maxwell_json_decoder.h"
#include "decode_test_util.h"

namespace tote {
namespace {

SourceType type(const char* text) {
    auto t = parse_source_type(text);
    EXPECT_TRUE(t) << text;
    return t.value_or(SourceType{});
}

// The columns of ../shared/real-debezium/schema.sql, as the catalog or a mapping declares them.
std::vector<DeclaredColumn> real_schema() {
    const std::vector<std::tuple<const char*, const char*, const char*>> cols = {
        {"players", "id", "int64"},
        {"players", "country", "string"},
        {"players", "currency", "string"},
        {"players", "created_at", "string"},
        {"wallet_tx", "id", "int64"},
        {"wallet_tx", "player_id", "int64"},
        {"wallet_tx", "kind", "string"},
        {"wallet_tx", "amount_minor", "int64"},
        {"wallet_tx", "currency", "string"},
        {"wallet_tx", "created_at", "string"},
        {"bets", "id", "int64"},
        {"bets", "player_id", "int64"},
        {"bets", "stake", "decimal(18,2)"},
        {"bets", "total_odds", "decimal(10,4)"},
        {"bets", "status", "string"},
        {"bets", "payout", "decimal(18,2)"},
        {"bets", "placed_at", "string"},
        {"bets", "settled_at", "string"},
        {"bets", "note", "string"}};
    std::vector<DeclaredColumn> out;
    for (const auto& [t, c, ty] : cols) out.push_back({t, c, type(ty), "declared by the test"});
    return out;
}

std::unique_ptr<Decoder> debezium(const std::vector<DeclaredColumn>& declared, DecimalMode mode) {
    DebeziumDecoderConfig c;
    c.money_columns = {"bets.stake", "bets.payout"};
    if (mode == DecimalMode::Precise) add_declared_scales(declared, c.decimal_scales);
    return std::make_unique<DeclaredTypeDecoder>(std::make_unique<DebeziumJsonDecoder>(c), declared,
                                                 mode);
}

TEST(DeclaredTypeDecoder, SchemasOffWithDeclaredTypesDecodesAsSchemasOn) {
    auto off = debezium(real_schema(), DecimalMode::Precise);
    auto on = debezium({}, DecimalMode::String);
    const auto a =
        test::decode_all(*off, test::read_capture("debezium/e_schemas_enable_false.jsonl"));
    const auto b =
        test::decode_all(*on, test::read_capture("debezium/e_schemas_enable_true.jsonl"));
    ASSERT_EQ(a.size(), b.size());
    size_t changes = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a[i].index(), b[i].index()) << i;
        if (!std::holds_alternative<ChangeEvent>(a[i])) continue;
        const auto& x = std::get<ChangeEvent>(a[i]);
        const auto& y = std::get<ChangeEvent>(b[i]);
        EXPECT_EQ(x.before, y.before) << i;  // names, types, values and `declared`, field by field
        EXPECT_EQ(x.after, y.after) << i;
        ++changes;
    }
    EXPECT_EQ(changes, 4u);
}

LogRecord record(const std::string& after) {
    LogRecord r;
    r.topic = "tote.public.bets";
    r.key = R"({"id":1})";
    r.value = R"({"before":null,"after":)" + after +
              R"(,"source":{"version":"3.7.0.Final","connector":"postgresql","name":"tote",)"
              R"("ts_ms":1,"snapshot":"false","db":"d","schema":"public","table":"bets",)"
              R"("txId":7,"lsn":800},"op":"c","ts_ms":1})";
    return r;
}

std::string failure(Decoder& d, const std::string& after) {
    auto r = d.decode(record(after));
    if (auto* f = std::get_if<DecodeFailure>(&r)) return f->reason;
    return "(decoded)";
}

const Field& field(const DecodeResult& r, const std::string& name) {
    const Field* f = test::change(r).after ? test::change(r).after->find(name) : nullptr;
    static const Field none;
    EXPECT_TRUE(f) << name;
    return f ? *f : none;
}

TEST(DeclaredTypeDecoder, TheFirstValueDoesNotTypeADeclaredColumn) {
    auto d = debezium(real_schema(), DecimalMode::String);
    EXPECT_EQ(failure(*d, R"({"id":1,"player_id":"5","stake":"12.50"})"),
              "column bets.player_id in after: value '5' (a string) does not fit the declared "
              "type int64 (declared by the test): expected an integer");
    auto ok = d->decode(record(R"({"id":2,"player_id":5,"stake":"12.5","payout":null})"));
    EXPECT_EQ(field(ok, "player_id").value, Value(int64_t{5}));
    EXPECT_EQ(field(ok, "stake").value, Value(Decimal{1250, 2}));
    EXPECT_EQ(field(ok, "stake").type, (ColumnType{ColumnKind::Decimal, 2}));
    EXPECT_TRUE(field(ok, "stake").declared);
    // A null of a declared column is typed too, so it makes its column.
    EXPECT_EQ(field(ok, "payout").type, (ColumnType{ColumnKind::Decimal, 2}));
    EXPECT_TRUE(field(ok, "payout").declared);
}

TEST(DeclaredTypeDecoder, ValuesThatDoNotFitAreFailuresWithTheirReason) {
    auto d = debezium(real_schema(), DecimalMode::String);
    EXPECT_EQ(failure(*d, R"({"id":1,"stake":"12.505"})"),
              "column bets.stake in after: value '12.505' (a string) does not fit the declared "
              "type decimal(18,2) (declared by the test): '12.505' has more than 2 decimals: it "
              "would be rounded");
    EXPECT_EQ(failure(*d, R"({"id":1,"total_odds":"eRg="})"),
              "column bets.total_odds in after: value 'eRg=' (a string) does not fit the declared "
              "type decimal(10,4) (declared by the test): not a plain decimal (decimal mode "
              "string; if the connector writes decimal.handling.mode=precise, set the decimal "
              "mode to precise)");
    EXPECT_EQ(failure(*d, R"({"id":1,"stake":"12345678901234567.00"})"),
              "column bets.stake in after: value '12345678901234567.00' (a string) does not fit "
              "the declared type decimal(18,2) (declared by the test): more than its precision "
              "of 18 digits");
    EXPECT_EQ(failure(*d, R"({"id":1,"status":7})"),
              "column bets.status in after: value 7 (an integer) does not fit the declared type "
              "string (declared by the test): expected a string");
    auto small = real_schema();
    small.insert(small.begin(), {"bets", "id", type("smallint"), "declared by the test"});
    auto s = debezium(small, DecimalMode::String);
    EXPECT_EQ(failure(*s, R"({"id":40000})"),
              "column bets.id in after: value 40000 (an integer) does not fit the declared type "
              "int16 (declared by the test): outside -32768..32767");
}

TEST(DeclaredTypeDecoder, TheMessagesSchemaWins) {
    // Declarations that contradict the schema: the schema types the columns.
    std::vector<DeclaredColumn> wrong = {{"bets", "stake", type("string"), "declared by the test"},
                                         {"bets", "id", type("int16"), "declared by the test"}};
    auto d = debezium(wrong, DecimalMode::String);
    auto on = debezium({}, DecimalMode::String);
    const auto records = test::read_capture("debezium/e_schemas_enable_true.jsonl");
    for (const auto& r : records) {
        auto x = d->decode(r);
        auto y = on->decode(r);
        ASSERT_EQ(x.index(), y.index());
        if (auto* c = std::get_if<ChangeEvent>(&x)) {
            EXPECT_EQ(c->after, std::get<ChangeEvent>(y).after);
        }
    }
}

TEST(DeclaredTypeDecoder, QualifiedTablesFindTheirOwnOrTheBareDeclaration) {
    std::vector<DeclaredColumn> decl = {
        {"sales.bets", "id", type("int16"), "declared for sales.bets"},
        {"bets", "id", type("int64"), "declared for bets"}};
    auto d = std::make_unique<DeclaredTypeDecoder>(
        std::make_unique<DebeziumJsonDecoder>(DebeziumDecoderConfig{}), decl, DecimalMode::String);
    LogRecord r = record(R"({"id":40000})");
    auto plain = d->decode(r);
    EXPECT_EQ(field(plain, "id").value, Value(int64_t{40000}));
    std::string v = *r.value;
    v.replace(v.find(R"("schema":"public")"), 17, R"("schema":"sales")");
    r.value = v;
    auto qualified = d->decode(r);
    ASSERT_TRUE(std::holds_alternative<DecodeFailure>(qualified));
    EXPECT_NE(std::get<DecodeFailure>(qualified).reason.find("declared for sales.bets"),
              std::string::npos);
}

TEST(DeclaredTypeDecoder, ConvertsOnlyExactly) {
    const DeclaredColumn f64{"t", "c", type("double"), "x"};
    const DeclaredColumn dec{"t", "c", type("numeric(10,2)"), "x"};
    const DeclaredColumn i32{"t", "c", type("integer"), "x"};
    Field f;
    f.value = int64_t{3};
    EXPECT_FALSE(DeclaredTypeDecoder::convert(f, f64, DecimalMode::String));
    EXPECT_EQ(f.value, Value(3.0));
    f.value = (int64_t{1} << 53) + 1;
    EXPECT_TRUE(DeclaredTypeDecoder::convert(f, f64, DecimalMode::String));
    f.value = int64_t{7};
    EXPECT_FALSE(DeclaredTypeDecoder::convert(f, dec, DecimalMode::String));
    EXPECT_EQ(f.value, Value(Decimal{700, 2}));
    f.value = 7.5;
    auto why = DeclaredTypeDecoder::convert(f, dec, DecimalMode::String);
    ASSERT_TRUE(why);
    EXPECT_NE(why->find("a floating-point number is not exact"), std::string::npos);
    f.value = Decimal{1200, 2};
    EXPECT_FALSE(DeclaredTypeDecoder::convert(f, i32, DecimalMode::String));
    EXPECT_EQ(f.value, Value(int64_t{12}));
    f.value = Decimal{1250, 2};
    EXPECT_TRUE(DeclaredTypeDecoder::convert(f, i32, DecimalMode::String));
    f.value = UnavailableValue{};
    EXPECT_FALSE(DeclaredTypeDecoder::convert(f, dec, DecimalMode::String));
    EXPECT_EQ(f.value, Value(UnavailableValue{}));
    EXPECT_EQ(f.type, (ColumnType{ColumnKind::Decimal, 2}));
}

TEST(DeclaredTypeDecoder, MaxwellDecimalsAreReadFromTheirExactText) {
    std::vector<DeclaredColumn> decl = {{"bets", "stake", type("decimal(12,2)"), "x"},
                                        {"bets", "player_id", type("int32"), "x"}};
    MaxwellDecoderConfig c;
    add_declared_scales(decl, c.decimal_scales);
    DeclaredTypeDecoder d(std::make_unique<MaxwellJsonDecoder>(c), decl, DecimalMode::String);
    LogRecord r;
    r.topic = "maxwell";
    r.value = R"({"database":"sb","table":"bets","type":"insert","ts":1,"xid":9,"xoffset":0,)"
              R"("position":"mysql-bin.000001:400","data":{"id":1,"player_id":5,"stake":25.10}})";
    auto x = d.decode(r);
    EXPECT_EQ(field(x, "stake").value, Value(Decimal{2510, 2}));
    EXPECT_EQ(field(x, "player_id").type, (ColumnType{ColumnKind::Int64, 0}));
    EXPECT_TRUE(field(x, "player_id").declared);
}

}  // namespace
}  // namespace tote

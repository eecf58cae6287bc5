#include "sink/landing_table.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace tote {
namespace {

Field field(std::string name, ColumnType type, Value v) {
    return Field{std::move(name), type, std::move(v)};
}

constexpr ColumnType kInt{ColumnKind::Int64, 0};
constexpr ColumnType kStr{ColumnKind::String, 0};
constexpr ColumnType kDec2{ColumnKind::Decimal, 2};

ChangeEvent bet(Op op, Value stake, Value note = std::string("hi")) {
    ChangeEvent e;
    e.table = "bets";
    e.op = op;
    e.key = "{\"id\":5}";
    e.version = 0x8000000000010002ULL;
    e.source = SourcePosition{1, 700, 2, false, 1700000000000};
    RowImage img;
    img.fields = {field("id", kInt, int64_t{5}), field("stake", kDec2, std::move(stake)),
                  field("note", kStr, std::move(note))};
    if (op == Op::Delete)
        e.before = img;
    else
        e.after = img;
    return e;
}

LandingTable table_with_columns(const ChangeEvent& first) {
    LandingTable t("tote", "bets");
    for (auto& c : t.missing_columns(first)) t.add_column(c);
    return t;
}

TEST(LandingTable, CreateSqlHasMetadataThenTypedNullableColumns) {
    LandingTable t("tote", "bets");
    auto cols = t.missing_columns(bet(Op::Create, Decimal{1000, 2}));
    ASSERT_EQ(cols.size(), 3u);
    EXPECT_EQ(t.create_sql(cols),
              "CREATE TABLE IF NOT EXISTS `tote`.`land_bets` (`_key` String, `_version` UInt64, "
              "`_op` String, `_deleted` UInt8, `_lsn` UInt64, `_tx_id` UInt64, `_tx_order` UInt64, "
              "`_snapshot` UInt8, `_ts_ms` Int64, `_unavailable` Array(String), `_topic` String, "
              "`_partition` Int32, `_offset` Int64, `id` Nullable(Int64), `stake` "
              "Nullable(Decimal(38, 2)), `note` Nullable(String)) ENGINE = "
              "ReplacingMergeTree(_version) ORDER BY _key");
    EXPECT_EQ(
        t.add_column_sql({"odds", "Nullable(Decimal(38, 4))", ColumnType{ColumnKind::Decimal, 4}}),
        "ALTER TABLE `tote`.`land_bets` ADD COLUMN `odds` Nullable(Decimal(38, 4))");
}

TEST(LandingTable, ParsesTheTypesItWrites) {
    for (ColumnType t : {ColumnType{ColumnKind::Int64, 0}, ColumnType{ColumnKind::Float64, 0},
                         ColumnType{ColumnKind::Bool, 0}, ColumnType{ColumnKind::String, 0},
                         ColumnType{ColumnKind::Decimal, 0}, ColumnType{ColumnKind::Decimal, 38}})
        EXPECT_EQ(LandingTable::parse_type(clickhouse_type(t)), t) << clickhouse_type(t);
    EXPECT_EQ(LandingTable::parse_type("DateTime"), std::nullopt);
    EXPECT_EQ(LandingTable::parse_type("Nullable(Decimal(38, 39))"), std::nullopt);
}

TEST(LandingTable, TypeConflictsAreNamedNeverCoerced) {
    LandingTable t = table_with_columns(bet(Op::Create, Decimal{1000, 2}));
    EXPECT_EQ(t.conflict(bet(Op::Update, Decimal{1001, 2})), std::nullopt);
    EXPECT_EQ(t.conflict(bet(Op::Update, NullValue{})), std::nullopt);
    EXPECT_EQ(t.conflict(bet(Op::Update, UnavailableValue{})), std::nullopt);
    // An exact rescale is not a coercion: 10.5 at scale 1 is 10.50.
    EXPECT_EQ(t.conflict(bet(Op::Update, Decimal{105, 1})), std::nullopt);
    EXPECT_EQ(t.conflict(bet(Op::Update, Decimal{100000, 4})), std::nullopt);
    auto lossy = t.conflict(bet(Op::Update, Decimal{100001, 4}));
    ASSERT_TRUE(lossy.has_value());
    EXPECT_EQ(*lossy,
              "table bets (land_bets), column stake: the column has type Nullable(Decimal(38, 2)) "
              "but the change carries a Decimal(38, 4) 10.0001 value, for row key {\"id\":5}; "
              "values are never coerced: fix the source or land this table into a fresh database");
    auto text = t.conflict(bet(Op::Update, std::string("12.50")));
    ASSERT_TRUE(text.has_value());
    EXPECT_NE(text->find("column stake: the column has type Nullable(Decimal(38, 2)) but the "
                         "change carries a String value"),
              std::string::npos);
    auto number = t.conflict(bet(Op::Update, Decimal{1, 2}, int64_t{3}));
    ASSERT_TRUE(number.has_value());
    EXPECT_NE(number->find("column note: the column has type Nullable(String) but the change "
                           "carries a Int64 value"),
              std::string::npos);
    // A delete carries no business values: never a conflict.
    EXPECT_EQ(t.conflict(bet(Op::Delete, std::string("x"))), std::nullopt);
}

TEST(LandingTable, RescalesDecimalsExactlyOnly) {
    EXPECT_EQ(rescale_decimal(Decimal{-105, 1}, 3), static_cast<__int128>(-10500));
    EXPECT_EQ(rescale_decimal(Decimal{-10500, 3}, 1), static_cast<__int128>(-105));
    EXPECT_EQ(rescale_decimal(Decimal{-10501, 3}, 1), std::nullopt);
    __int128 max38 = 1;
    for (int i = 0; i < 38; ++i) max38 *= 10;
    EXPECT_EQ(rescale_decimal(Decimal{max38 - 1, 0}, 0), max38 - 1);
    EXPECT_EQ(rescale_decimal(Decimal{max38, 0}, 0), std::nullopt);
    EXPECT_EQ(rescale_decimal(Decimal{max38 / 10, 0}, 1), std::nullopt);
}

std::string bytes(std::initializer_list<int> b) {
    std::string s;
    for (int x : b) s.push_back(static_cast<char>(x));
    return s;
}

std::string le64(uint64_t v) {
    std::string s(8, '\0');
    for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    return s;
}

TEST(LandingTable, EncodesOneRowExactly) {
    ChangeEvent c = bet(Op::Update, Decimal{-1234, 2}, UnavailableValue{});
    c.unavailable = {"note"};
    LogRecord r{"tote.public.bets", Partition{3},     Offset{9}, 0,
                std::string("k"),   std::string("v"), {}};
    LandingTable t = table_with_columns(bet(Op::Create, Decimal{1, 2}));
    t.append(c, r);
    std::string expect;
    expect += bytes({8}) + "{\"id\":5}";
    expect += le64(0x8000000000010002ULL);
    expect += bytes({1, 'u', 0});             // _op, _deleted
    expect += le64(1) + le64(700) + le64(2);  // _lsn, _tx_id, _tx_order
    expect += bytes({0});                     // _snapshot
    expect += le64(1700000000000);            // _ts_ms
    expect += bytes({1, 4}) + "note";         // _unavailable
    expect += bytes({16}) + "tote.public.bets";
    expect += bytes({3, 0, 0, 0}) + le64(9);  // _partition, _offset
    expect += bytes({0}) + le64(5);           // id
    expect += bytes({0, 0x2E, 0xFB}) + std::string(14, static_cast<char>(0xFF));  // stake
    expect += bytes({1});  // note: unavailable -> NULL
    EXPECT_EQ(t.batch(), expect);
    EXPECT_EQ(t.rows(), 1u);
}

TEST(LandingTable, DeleteKeepsTheRowWithoutBusinessValues) {
    LandingTable t = table_with_columns(bet(Op::Create, Decimal{1, 2}));
    LogRecord r{"t", Partition{0}, Offset{1}, 0, std::nullopt, std::nullopt, {}};
    t.append(bet(Op::Delete, Decimal{999, 2}), r);
    const std::string& b = t.batch();
    // _key(9) _version(8) _op(2) then _deleted = 1.
    EXPECT_EQ(b[19], 1);
    // The three data columns are NULL: the batch ends with three 0x01 bytes.
    EXPECT_EQ(b.substr(b.size() - 3), bytes({1, 1, 1}));
}

TEST(LandingTable, FieldsInAnyOrderLandInTheirColumns) {
    LandingTable t = table_with_columns(bet(Op::Create, Decimal{1, 2}));
    LogRecord r{"t", Partition{0}, Offset{1}, 0, std::nullopt, std::nullopt, {}};
    ChangeEvent a = bet(Op::Create, Decimal{1, 2}, std::string("n"));
    ChangeEvent b = a;
    std::reverse(b.after->fields.begin(), b.after->fields.end());
    t.append(a, r);
    std::string first = t.batch();
    t.clear_batch();
    t.append(b, r);
    EXPECT_EQ(t.batch(), first);
    t.clear_batch();
    t.append(a, r);  // and back: the field-order cache must not confuse columns
    EXPECT_EQ(t.batch(), first);
}

TEST(LandingTable, MissingColumnsAreTypedFromTheField) {
    LandingTable t = table_with_columns(bet(Op::Create, Decimal{1, 2}));
    ChangeEvent c = bet(Op::Create, Decimal{1, 2});
    c.after->fields.push_back(field("odds", ColumnType{ColumnKind::Decimal, 4}, Decimal{25000, 4}));
    c.after->fields.push_back(field("later", kStr, NullValue{}));
    // A null says nothing about a column's type (schemas off infer String): "later" is created
    // by its first non-null value, and lands as NULL meanwhile.
    auto missing = t.missing_columns(c);
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].name, "odds");
    EXPECT_EQ(missing[0].clickhouse_type, "Nullable(Decimal(38, 4))");
    LogRecord r{"t", Partition{0}, Offset{1}, 0, std::nullopt, std::nullopt, {}};
    EXPECT_THROW(t.append(c, r), ToteError);  // precondition: add the column first
    t.add_column(missing[0]);
    EXPECT_NO_THROW(t.append(c, r));
    EXPECT_EQ(t.rows(), 1u);
}

// issue 16, point 4: a declared type (the message's value schema) types the column even for a
// null, and a declared type that differs from the landed column (ALTER COLUMN in the source) is
// reported; a value that does not fit the landed column is a conflict that says what to do.
ChangeEvent declared_bet(ColumnType stake_type, Value stake, Value payout = NullValue{}) {
    ChangeEvent e = bet(Op::Update, std::move(stake));
    auto& fields = e.after->fields;
    fields[1].type = stake_type;
    fields.push_back(field("payout", kDec2, std::move(payout)));
    for (auto& f : fields) f.declared = true;
    return e;
}

TEST(LandingTable, DeclaredNullsMakeTheirColumnsInferredNullsDoNot) {
    LandingTable t("tote", "bets");
    ChangeEvent inferred = bet(Op::Create, Decimal{1000, 2}, NullValue{});
    auto cols = t.missing_columns(inferred);
    ASSERT_EQ(cols.size(), 2u);  // id, stake: a null without a schema has no known type
    ChangeEvent declared = declared_bet(kDec2, NullValue{});
    cols = t.missing_columns(declared);
    ASSERT_EQ(cols.size(), 4u);
    EXPECT_EQ(cols[1].name, "stake");
    EXPECT_EQ(cols[1].clickhouse_type, "Nullable(Decimal(38, 2))");
    EXPECT_EQ(cols[3].name, "payout");
    EXPECT_EQ(cols[3].clickhouse_type, "Nullable(Decimal(38, 2))");
}

TEST(LandingTable, DeclaredTypeChangesAreReportedAndNeverCoerced) {
    LandingTable t = table_with_columns(declared_bet(kDec2, Decimal{1000, 2}));
    std::vector<LandingTable::TypeChange> changes;
    // The same declared types: nothing to report.
    EXPECT_EQ(t.conflict(declared_bet(kDec2, Decimal{1050, 2}),
                         t.resolve(declared_bet(kDec2, Decimal{1050, 2})), &changes),
              std::nullopt);
    EXPECT_TRUE(changes.empty());
    // numeric(18,2) -> numeric(18,3) in the source: 10.500 still lands (exact), reported.
    const ColumnType dec3{ColumnKind::Decimal, 3};
    ChangeEvent exact = declared_bet(dec3, Decimal{10500, 3});
    EXPECT_EQ(t.conflict(exact, t.resolve(exact), &changes), std::nullopt);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].column, "stake");
    EXPECT_EQ(changes[0].landed, "Nullable(Decimal(38, 2))");
    EXPECT_EQ(changes[0].declared, "Nullable(Decimal(38, 3))");
    // Reported once: the changes after it that declare the same type report nothing. A null
    // lands.
    changes.clear();
    ChangeEvent null_stake = declared_bet(dec3, NullValue{});
    EXPECT_EQ(t.conflict(null_stake, t.resolve(null_stake), &changes), std::nullopt);
    EXPECT_TRUE(changes.empty());
    // 10.125 does not fit Decimal(38, 2): a conflict naming the change and what to do.
    changes.clear();
    ChangeEvent lossy = declared_bet(dec3, Decimal{10125, 3});
    auto reason = t.conflict(lossy, t.resolve(lossy), &changes);
    ASSERT_TRUE(reason.has_value());
    EXPECT_TRUE(changes.empty());
    EXPECT_EQ(*reason,
              "table bets (land_bets), column stake: the value schema declares "
              "Nullable(Decimal(38, 3)) (an ALTER COLUMN in the source, a replay of changes from "
              "before one, or a column landed from messages without a schema) but the landed "
              "column has type "
              "Nullable(Decimal(38, 2)), and the value 10.125 does not fit it, for row key "
              "{\"id\":5}; values are never coerced and tote never alters a landed column. To "
              "land such values: ALTER TABLE `tote`.`land_bets` MODIFY COLUMN `stake` "
              "Nullable(Decimal(38, 3)) when every landed value converts exactly, then ingest "
              "again with a new --consumer name (rows collapse by source position): "
              "docs/operations.md, \"A "
              "column's type changed in the source\"");
    // Another declared type (back to scale 2, then scale 3 again: a replay) is reported again.
    ChangeEvent back = declared_bet(kDec2, Decimal{1, 2});
    EXPECT_EQ(t.conflict(back, t.resolve(back), &changes), std::nullopt);
    EXPECT_TRUE(changes.empty());  // the landed type itself: no change
    EXPECT_EQ(t.conflict(exact, t.resolve(exact), &changes), std::nullopt);
    EXPECT_TRUE(changes.empty());  // still the type last reported
    ChangeEvent scale4 = declared_bet(ColumnType{ColumnKind::Decimal, 4}, Decimal{105000, 4});
    EXPECT_EQ(t.conflict(scale4, t.resolve(scale4), &changes), std::nullopt);
    ASSERT_EQ(changes.size(), 1u);
    EXPECT_EQ(changes[0].declared, "Nullable(Decimal(38, 4))");
    // A type class change (text -> integer codes): the value is named.
    ChangeEvent codes = declared_bet(kDec2, Decimal{1, 2});
    codes.after->fields[2] = Field{"note", kInt, int64_t{3}, true};
    auto code_reason = t.conflict(codes, t.resolve(codes));
    ASSERT_TRUE(code_reason.has_value());
    EXPECT_NE(code_reason->find("column note: the value schema declares Nullable(Int64)"),
              std::string::npos);
    EXPECT_NE(code_reason->find("landed column has type Nullable(String), and the value 3 does "
                                "not fit it"),
              std::string::npos);
}

}  // namespace
}  // namespace tote

// StateWriter / StateReader: every shape a checkpoint uses comes back equal, hash maps give the
// same bytes whatever their insertion order, and bytes that do not fit throw instead of giving
// a wrong value.
#include <gtest/gtest.h>

#include <array>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/change_event_state.h"
#include "core/state_reader.h"
#include "core/state_writer.h"

namespace tote {
namespace {

ChangeEvent sample_change() {
    ChangeEvent c;
    c.table = "bets";
    c.op = Op::Update;
    c.key = "{\"id\":5}";
    RowImage r;
    r.fields.push_back(Field{"id", ColumnType{ColumnKind::Int64, 0}, Value{int64_t{5}}});
    r.fields.push_back(
        Field{"stake", ColumnType{ColumnKind::Decimal, 2}, Value{Decimal{-123456789, 2}}});
    r.fields.push_back(Field{"note", ColumnType{}, Value{NullValue{}}});
    r.fields.push_back(Field{"odds", ColumnType{ColumnKind::Float64, 0}, Value{1.85}});
    r.fields.push_back(Field{"live", ColumnType{ColumnKind::Bool, 0}, Value{true}});
    r.fields.push_back(Field{"toast", ColumnType{}, Value{UnavailableValue{}}});
    r.fields.push_back(Field{"name", ColumnType{}, Value{std::string("Home \0FC", 8)}});
    c.after = r;
    c.source = SourcePosition{123456789, 77, 3, false, 1790000000000};
    c.version = 987654321;
    c.unavailable = {"toast"};
    return c;
}

TEST(StateCodec, EveryShapeRoundTrips) {
    const ChangeEvent change = sample_change();
    const std::optional<int64_t> none, some = -7;
    const std::map<uint64_t, ChangeEvent> by_order = {{3, change}, {1, ChangeEvent{}}};
    const std::set<std::pair<int64_t, uint64_t>> index = {{5, 1}, {-2, 9}};
    const std::deque<std::pair<uint64_t, uint64_t>> order = {{1, 2}, {3, 4}};
    const std::array<uint64_t, 3> arr = {1, 2, 3};
    const std::unordered_map<int64_t, std::string> hashed = {{1, "a"}, {-5, "b"}, {99, ""}};
    StateWriter w;
    w(change, none, some, by_order, index, order, arr, hashed, true, Op::Truncate);

    ChangeEvent change2;
    std::optional<int64_t> none2 = 1, some2;
    std::map<uint64_t, ChangeEvent> by_order2;
    std::set<std::pair<int64_t, uint64_t>> index2;
    std::deque<std::pair<uint64_t, uint64_t>> order2;
    std::array<uint64_t, 3> arr2{};
    std::unordered_map<int64_t, std::string> hashed2;
    bool flag = false;
    Op op = Op::Create;
    StateReader r(w.bytes(), "test");
    r(change2, none2, some2, by_order2, index2, order2, arr2, hashed2, flag, op);
    r.expect_end();
    EXPECT_EQ(change2.table, change.table);
    EXPECT_EQ(change2.after, change.after);
    EXPECT_EQ(change2.before, change.before);
    EXPECT_EQ(change2.source, change.source);
    EXPECT_EQ(change2.version, change.version);
    EXPECT_EQ(change2.unavailable, change.unavailable);
    EXPECT_EQ(none2, none);
    EXPECT_EQ(some2, some);
    ASSERT_EQ(by_order2.size(), 2u);
    EXPECT_EQ(by_order2.at(3).after, change.after);
    EXPECT_EQ(index2, index);
    EXPECT_EQ(order2, order);
    EXPECT_EQ(arr2, arr);
    EXPECT_EQ(hashed2, hashed);
    EXPECT_TRUE(flag);
    EXPECT_EQ(op, Op::Truncate);
}

TEST(StateCodec, HashMapsGiveTheSameBytesInAnyInsertionOrder) {
    std::unordered_map<int64_t, int64_t> a, b;
    for (int64_t i = 0; i < 1000; ++i) a.emplace(i * 7919 % 1000, i);
    for (int64_t i = 999; i >= 0; --i) b.emplace(i * 7919 % 1000, i);
    b.rehash(4096);
    StateWriter wa, wb;
    wa(a);
    wb(b);
    EXPECT_TRUE(wa.bytes() == wb.bytes());
}

TEST(StateCodec, BytesThatDoNotFitThrow) {
    StateWriter w;
    w(sample_change(), std::vector<int64_t>{1, 2, 3});
    const std::string bytes = w.take();
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        ChangeEvent c;
        std::vector<int64_t> v;
        StateReader r(std::string_view(bytes).substr(0, cut), "cut");
        EXPECT_THROW(r(c, v), ToteError) << cut;
    }
    // A size far beyond the data.
    std::string huge(8, '\xff');
    std::vector<int64_t> v;
    StateReader r(huge, "huge");
    EXPECT_THROW(r(v), ToteError);
    // An unknown variant index.
    StateWriter vw;
    vw(Value{int64_t{1}});
    std::string bad = vw.take();
    bad[0] = 42;
    Value value;
    StateReader vr(bad, "variant");
    EXPECT_THROW(vr(value), ToteError);
    // Unread bytes at the end.
    StateReader tail(bytes, "tail");
    ChangeEvent c;
    tail(c);
    EXPECT_THROW(tail.expect_end(), ToteError);
}

}  // namespace
}  // namespace tote

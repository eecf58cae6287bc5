// Checkpoints of the TransactionAssembler (issue 13): state -> bytes -> state at every point of
// an interleaved stream (open transactions, duplicates, missing ENDs released by the watermarks,
// the buffer limit, re-deliveries of released transactions, skipped records) gives an assembler
// that delivers exactly the units and reports the original delivers, and holds the same state.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "transaction_test_util.h"
#include "transform/transaction/transaction_state.h"

namespace tote {
namespace {

using Item = std::variant<ChangeEvent, TxMarker, Tombstone>;

std::vector<Item> interleaved_stream() {
    std::mt19937_64 rng(13);
    std::vector<Item> out;
    std::vector<std::vector<Item>> open;  // transactions being emitted, interleaved
    std::vector<std::vector<Item>> done;  // whole ones, for re-delivery
    uint64_t next_tx = 1;
    while (next_tx < 400 || !open.empty()) {
        if (next_tx < 400 && (open.size() < 3 && rng() % 2 == 0)) {
            const uint64_t tx = next_tx++;
            const uint64_t n = 1 + rng() % 6;
            std::vector<Item> items{test::begin(tx)};
            for (uint64_t o = 1; o <= n; ++o) {
                items.push_back(test::change(tx, o, o % 2 ? "bets" : "wallet_transactions"));
                if (rng() % 15 == 0) items.push_back(test::change(tx, o));  // duplicate
            }
            if (rng() % 10 != 0) items.push_back(test::end(tx, n));  // else: END never comes
            std::reverse(items.begin(), items.end());                // popped from the back
            open.push_back(std::move(items));
        }
        if (open.empty()) continue;
        auto& tx = open[rng() % open.size()];
        out.push_back(std::move(tx.back()));
        tx.pop_back();
        if (rng() % 20 == 0) out.push_back(Tombstone{});
        if (tx.empty()) {
            open.erase(
                std::find_if(open.begin(), open.end(), [](const auto& t) { return t.empty(); }));
        }
        if (rng() % 60 == 0 && !out.empty()) {  // a re-delivery of an earlier stretch
            const size_t from = rng() % out.size();
            for (size_t i = from; i < std::min(out.size(), from + 8); ++i) {
                Item copy = out[i];
                out.push_back(std::move(copy));
            }
        }
    }
    return out;
}

TransactionAssemblerConfig small_limits() {
    TransactionAssemblerConfig c;
    c.max_offset_lag = 40;
    c.max_later_transactions = 6;
    c.max_buffered_changes = 25;
    c.remembered_transactions = 30;
    return c;
}

void feed(TransactionAssembler& a, const Item& item, int64_t offset) {
    std::visit(
        [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, ChangeEvent>)
                a.add_change(v, Offset{offset});
            else if constexpr (std::is_same_v<T, TxMarker>)
                a.add_marker(v, Offset{offset});
            else
                a.skip(Offset{offset});
        },
        item);
}

std::string bytes_of(const TransactionAssembler& a) {
    StateWriter w;
    a.save_state(w);
    return w.take();
}

// Everything the assembler hands out after one record, as bytes.
std::string delivered(TransactionAssembler& a) {
    StateWriter w;
    w(test::drain(a), test::reports(a), a.safe_resume_offset().value);
    return w.take();
}

TEST(TransactionAssemblerState, RestoredAnywhereDeliversExactlyWhatTheOriginalDelivers) {
    const auto stream = interleaved_stream();
    ASSERT_GT(stream.size(), 1500u);
    size_t compared = 0;
    for (size_t at = 0; at < stream.size(); at += 97) {
        TransactionAssembler original(small_limits());
        for (size_t i = 0; i < at; ++i) {
            feed(original, stream[i], static_cast<int64_t>(i));
            if (i % 3 == 0) delivered(original);  // the caller pops now and then
        }
        const std::string bytes = bytes_of(original);
        TransactionAssembler restored(small_limits());
        StateReader r(bytes, "assembler checkpoint");
        restored.load_state(r);
        r.expect_end();
        ASSERT_TRUE(bytes_of(restored) == bytes) << at;
        EXPECT_EQ(restored.open_transactions(), original.open_transactions()) << at;
        EXPECT_EQ(restored.buffered_changes(), original.buffered_changes()) << at;
        for (size_t i = at; i < stream.size(); ++i) {
            feed(original, stream[i], static_cast<int64_t>(i));
            feed(restored, stream[i], static_cast<int64_t>(i));
            ASSERT_TRUE(delivered(restored) == delivered(original)) << at << " then " << i;
            ++compared;
        }
        original.release_all("end");
        restored.release_all("end");
        EXPECT_TRUE(delivered(restored) == delivered(original)) << at;
        EXPECT_TRUE(bytes_of(restored) == bytes_of(original)) << at;
        EXPECT_EQ(restored.stats().transactions_incomplete,
                  original.stats().transactions_incomplete);
    }
    // The stream exercised what a checkpoint must carry.
    TransactionAssembler probe(small_limits());
    for (size_t i = 0; i < stream.size(); ++i) feed(probe, stream[i], static_cast<int64_t>(i));
    EXPECT_GT(probe.stats().transactions_incomplete, 10u);
    EXPECT_GT(probe.stats().redelivered_changes, 10u);
    EXPECT_GT(probe.stats().duplicate_changes, 10u);
    EXPECT_GT(compared, 10000u);
}

}  // namespace
}  // namespace tote

#pragma once
// What the fact builder remembers about one bet, and about one ledger row: the latest version
// of every source row that shapes the bet's facts, what was emitted last (to emit only when
// something changed, with a higher version), the failures already logged, and the dimensions
// the facts wait for.
//
// Memory (64-bit, libstdc++, measured): sizeof(BetState) is 872 B, sizeof(WalletState) 416 B,
// plus an unordered_map node each. The per-bet maps are sorted vectors (no heap node per leg
// or ledger row): a LegState is 264 B (its last FactBetLeg included), a ledger row is held once
// (in its WalletState; the bet keeps only its id, 8 B), plus the heap text of strings beyond 15
// characters (competition names in the emitted facts' arrays). On the simulator's 200k-event log
// the whole fact state (assembler, builder, dimensions, FactStage's KPI bases) is ~4.1 KB per
// bet held, its ~1.6 ledger rows and the catalogue included (4.9 KB before the vectors and the
// single ledger copy). Under a memory budget, the states that wait for nothing leave memory for
// the ColdState and come back when touched (FactBuilder).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/bet.h"
#include "model/bet_leg.h"
#include "model/event.h"
#include "model/fact_rows.h"
#include "model/player.h"
#include "model/wallet_transaction.h"
#include "transform/facts/dimension_state.h"
#include "transform/facts/kpi_base.h"
#include "transform/facts/sorted_vector_map.h"

namespace tote::facts {

// A source row (latest version) or its deletion (live = false).
template <class T>
struct SourceRow {
    T row{};
    uint64_t version = 0;
    bool live = false;
};

struct LegState {
    SourceRow<model::BetLeg> leg;
    std::optional<FactBetLeg> emitted;  // last FactBetLeg emitted for this leg_no
};

struct BetState {
    std::optional<SourceRow<model::Bet>> bet;  // nullopt until the bet row arrives
    SortedVectorMap<int64_t, LegState> legs;   // by leg_no (deleted legs stay, live = false)
    // Ids of the ledger rows whose bet_id is this bet, ascending; each row's latest version
    // (or deletion) is its WalletState::tx in the builder (one copy, not two).
    std::vector<int64_t> ledger;
    // (selection id) -> the event's status when a leg on that selection was first seen
    // (nullopt: the selection/market/event was not known then). Keyed by selection, not leg_no,
    // so a renumbered leg keeps it.
    SortedVectorMap<int64_t, std::optional<model::EventStatus>> status_at_placement;
    // Its legs were first seen as snapshot reads: the bet was placed before the stream tote reads
    // began (tote joined an existing database), so what the source says about the catalogue at
    // placement is unknown; the snapshot shows the catalogue as of the snapshot, not as of the
    // placement (status_at_placement then holds nullopt).
    bool placed_before_stream = false;
    // The player as of placement: captured when the bet row is first seen, or when the player
    // row arrives if it was not known then.
    std::optional<model::Player> player_at_placement;
    uint64_t player_at_placement_version = 0;

    std::optional<FactBet> emitted;  // last FactBet emitted
    int64_t last_input_offset = 0;   // log offset of the latest input
    // The offset it is filed under in the pending index (emitted with a Pending verdict or an
    // unknown FX rate before its watermark); nullopt when not filed.
    std::optional<int64_t> pending_at;
    std::vector<DimKey> waiting;                       // dimensions its facts wait for
    SortedVectorMap<std::string, std::string> logged;  // rule -> details of the last logged Fail
    // The KPI inputs of the version whose KPI rows were written last (FactStage).
    std::optional<KpiBetBase> kpi;
    // What this state counts for in the builder's estimate of its memory (not checkpointed).
    uint32_t accounted_bytes = 0;
};

struct WalletState {
    SourceRow<model::WalletTransaction> tx;
    std::optional<FactWalletTransaction> emitted;
    int64_t last_input_offset = 0;
    std::optional<int64_t> pending_at;
    std::vector<DimKey> waiting;
    SortedVectorMap<std::string, std::string> logged;
    std::optional<KpiWalletBase> kpi;
    uint32_t accounted_bytes = 0;
};

}  // namespace tote::facts

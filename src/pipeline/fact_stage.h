#pragma once
// The transform stage inside the ingest pipeline: decoded records -> TransactionAssembler ->
// FactBuilder -> KPI contributions -> encoded inserts that the WarehouseWriter runs in the same
// commit as the landing rows, before the resume position (docs/architecture.md, "Exactly once").
//
// State. The assembler's and builder's state is a function of the log only. At start the
// pipeline replays the log from its beginning up to the committed resume position through
// replay() (facts are rebuilt and thrown away, nothing is written), so a restarted process
// continues with exactly the state the crashed one had at that position and writes identical
// rows for everything after it; rows a crashed process wrote beyond its last commit are written
// again, identically, and collapse (ReplacingMergeTree keyed by the fact and its version).
//
// Watermark. The builder is advanced only to the assembler's safe_resume_offset(), so every unit
// still to come starts at or after the point it is advanced to: finalisation depends on the
// stream, never on how records were batched.
//
// KPIs. A fact version writes KPI rows only when its contribution differs from the last one
// written for that fact (kpi_contributions(previous, current) with `previous` = that one). A
// re-emission that changes only the validation verdict writes none; so does the end-of-input
// drain(), whose versions equal those a later natural watermark would give: the KPI chain never
// passes through a version that a restarted process might not emit.
// Not thread-safe.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "core/change_event.h"
#include "core/log_record.h"
#include "model/betting_mapping.h"
#include "sink/encoded_insert.h"
#include "sink/fact_writer.h"
#include "sink/kpi_contribution.h"
#include "transform/facts/fact_builder.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote {

struct FactStageConfig {
    TransactionAssemblerConfig assembler;
    facts::FactBuilderConfig builder;
};

struct FactStageStats {
    uint64_t units = 0;               // transactions / snapshot units built into facts
    uint64_t incomplete_reports = 0;  // transactions released before they were whole
    uint64_t bet_versions = 0;        // rows written (not counting replay)
    uint64_t leg_versions = 0;
    uint64_t wallet_versions = 0;
    uint64_t dimension_rows = 0;
    uint64_t etl_log_entries = 0;
    uint64_t kpi_rows = 0;
    uint64_t replayed_records = 0;   // records replayed at start to rebuild the state
    uint64_t violations_logged = 0;  // ETL log entries other than incomplete/mapping ones
};

class FactStage {
public:
    FactStage(model::BettingMapping mapping, FactStageConfig config, ClickHouseConnection& conn,
              std::string database);

    // Feeds one record's decode result, in log order (the result is consumed).
    void add(DecodeResult&& result, Offset offset);
    // A record that carries no change (unreadable by the source): the watermark moves.
    void skip(Offset offset);

    // Builds every unit that is ready and appends the inserts of the facts, dimension rows, ETL
    // log entries and KPI rows it produced to `out` (KPI rows first: FactWriter's order).
    void collect(std::vector<EncodedInsert>& out);
    // The end of a finite input: every pending fact is finalised as if the watermark had passed
    // (transactions still open stay open). Appends the inserts like collect().
    void drain(std::vector<EncodedInsert>& out);

    // Replay mode: the same processing, nothing encoded (state rebuild at start).
    void set_replaying(bool on) { replaying_ = on; }
    bool replaying() const { return replaying_; }
    void count_replayed() { ++stats_.replayed_records; }

    const FactStageStats& stats() const { return stats_; }
    const facts::FactBuilder& builder() const { return builder_; }
    const TransactionAssembler& assembler() const { return assembler_; }

private:
    void build_ready(facts::FactBatch& batch);
    void emit(facts::FactBatch& batch, std::vector<EncodedInsert>& out);
    template <class Fact>
    void add_kpis(std::unordered_map<int64_t, Fact>& base, int64_t key, const Fact& current,
                  std::vector<KpiContribution>& kpis);

    TransactionAssembler assembler_;
    facts::FactBuilder builder_;
    FactWriter writer_;
    bool replaying_ = false;
    std::unordered_map<int64_t, facts::FactBet> bet_kpi_base_;
    std::unordered_map<int64_t, facts::FactWalletTransaction> wallet_kpi_base_;
    CompleteTransaction unit_;
    IncompleteTransaction report_;
    facts::FactBatch batch_;
    std::vector<KpiContribution> kpis_;
    FactStageStats stats_;
};

}  // namespace tote

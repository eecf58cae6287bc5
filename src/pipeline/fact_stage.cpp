#include "pipeline/fact_stage.h"

#include <limits>
#include <utility>

namespace tote {

namespace {

// The contribution of one fact version with the version key blanked: equal when the version
// would add exactly what `base` added.
template <class Fact>
std::vector<KpiContribution> values_of(const Fact& f) {
    auto rows = kpi_contributions(nullptr, f);
    for (auto& r : rows) r.fact_version = 0;
    return rows;
}

int64_t key_of(const facts::FactBet& f) {
    return f.bet_id;
}
int64_t key_of(const facts::FactWalletTransaction& f) {
    return f.id;
}

}  // namespace

FactStage::FactStage(model::BettingMapping mapping, FactStageConfig config,
                     ClickHouseConnection& conn, std::string database)
    : assembler_(config.assembler),
      builder_(std::move(mapping), config.builder),
      writer_(conn, std::move(database)) {}

void FactStage::add(DecodeResult&& result, Offset offset) {
    assembler_.add(std::move(result), offset);
}

void FactStage::skip(Offset offset) {
    assembler_.skip(offset);
}

void FactStage::build_ready(facts::FactBatch& batch) {
    while (assembler_.pop(unit_)) {
        builder_.add(unit_, batch);
        ++stats_.units;
    }
    while (assembler_.pop_report(report_)) ++stats_.incomplete_reports;
    // Every unit still to come starts at or after this offset (see the header).
    builder_.advance(assembler_.safe_resume_offset().value, batch);
}

template <class Fact>
void FactStage::add_kpis(std::unordered_map<int64_t, Fact>& base, int64_t key, const Fact& current,
                         std::vector<KpiContribution>& kpis) {
    auto it = base.find(key);
    if (it == base.end()) {
        auto rows = kpi_contributions(nullptr, current);
        kpis.insert(kpis.end(), rows.begin(), rows.end());
        base.emplace(key, current);
        return;
    }
    if (current.version <= it->second.version) return;        // a re-emission: written already
    if (values_of(current) == values_of(it->second)) return;  // same contribution: nothing
    auto rows = kpi_contributions(&it->second, current);
    kpis.insert(kpis.end(), rows.begin(), rows.end());
    it->second = current;
}

void FactStage::emit(facts::FactBatch& batch, std::vector<EncodedInsert>& out) {
    kpis_.clear();
    for (const auto& b : batch.bets) add_kpis(bet_kpi_base_, key_of(b), b, kpis_);
    for (const auto& w : batch.wallet) add_kpis(wallet_kpi_base_, key_of(w), w, kpis_);
    if (!replaying_) {
        stats_.bet_versions += batch.bets.size();
        stats_.leg_versions += batch.legs.size();
        stats_.wallet_versions += batch.wallet.size();
        stats_.etl_log_entries += batch.log.size();
        for (const auto& e : batch.log)
            if (e.rule != "incomplete_transaction" && e.rule != "mapping_error")
                ++stats_.violations_logged;
        stats_.kpi_rows += kpis_.size();
        writer_.encode(batch, kpis_, out);
    }
    batch.clear();
}

void FactStage::collect(std::vector<EncodedInsert>& out) {
    build_ready(batch_);
    emit(batch_, out);
}

void FactStage::drain(std::vector<EncodedInsert>& out) {
    build_ready(batch_);
    builder_.advance(std::numeric_limits<int64_t>::max() / 2, batch_);
    emit(batch_, out);
}

}  // namespace tote

// FactStage checkpoints: save_state / load_state / state_fingerprint (fact_stage.h).
#include <string>
#include <utility>

#include "core/state_reader.h"
#include "core/state_writer.h"
#include "pipeline/fact_stage.h"
#include "transform/facts/fact_state_fields.h"
#include "transform/transaction/transaction_state.h"

namespace tote {

template <class A>
void state_fields(A& a, KpiBetBase& b) {
    a(b.version, b.player_id, b.player_country, b.currency, b.sport, b.channel, b.status,
      b.stake_minor, b.potential_payout_minor, b.payout_minor, b.ggr_minor, b.stake_eur_cents,
      b.payout_eur_cents, b.potential_payout_eur_cents, b.placed_at_us, b.settled_at_us);
}

template <class A>
void state_fields(A& a, KpiWalletBase& b) {
    a(b.version, b.player_id, b.player_country, b.currency, b.type, b.status, b.amount_minor,
      b.amount_eur_cents, b.created_at_us, b.deleted);
}

void FactStage::save_state(StateWriter& out) const {
    assembler_.save_state(out);
    builder_.save_state(out);
    out(bet_kpi_base_, wallet_kpi_base_);
}

void FactStage::load_state(StateReader& in) {
    // Into fresh parts first: a failure leaves this stage as it was.
    TransactionAssembler assembler(config_.assembler);
    facts::FactBuilder builder(mapping_, config_.builder);
    std::unordered_map<int64_t, KpiBetBase> bet_base;
    std::unordered_map<int64_t, KpiWalletBase> wallet_base;
    assembler.load_state(in);
    builder.load_state(in);
    in(bet_base, wallet_base);
    in.expect_end();
    assembler_ = std::move(assembler);
    builder_ = std::move(builder);
    bet_kpi_base_ = std::move(bet_base);
    wallet_kpi_base_ = std::move(wallet_base);
}

std::string FactStage::state_fingerprint() const {
    const auto& a = config_.assembler;
    return "assembler max_offset_lag=" + std::to_string(a.max_offset_lag) +
           " max_later_transactions=" + std::to_string(a.max_later_transactions) +
           " max_buffered_changes=" + std::to_string(a.max_buffered_changes) +
           " remembered_transactions=" + std::to_string(a.remembered_transactions) +
           " unmarked=" + std::to_string(static_cast<int>(a.unmarked)) +
           "; builder watermark_offsets=" + std::to_string(config_.builder.watermark_offsets);
}

}  // namespace tote

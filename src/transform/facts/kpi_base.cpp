#include "transform/facts/kpi_base.h"

#include "transform/facts/kpi_contributions.h"

namespace tote {

KpiBetBase KpiBetBase::of(const facts::FactBet& f) {
    KpiBetBase b;
    b.version = f.version;
    b.player_country = f.player_country;
    b.player_id = f.player_id;
    b.currency = f.currency;
    b.sport = kpi_sport(f);
    b.channel = f.channel;
    b.status = f.status;
    b.stake_minor = f.stake_minor;
    b.potential_payout_minor = f.potential_payout_minor;
    b.payout_minor = f.payout_minor;
    b.ggr_minor = f.ggr_minor;
    b.stake_eur_cents = f.stake_eur_cents;
    b.payout_eur_cents = f.payout_eur_cents;
    b.potential_payout_eur_cents = f.potential_payout_eur_cents;
    b.placed_at_us = f.placed_at_us;
    b.settled_at_us = f.settled_at_us;
    return b;
}

bool KpiBetBase::same_inputs(const facts::FactBet& f) const {
    return stake_minor == f.stake_minor && potential_payout_minor == f.potential_payout_minor &&
           payout_minor == f.payout_minor && ggr_minor == f.ggr_minor &&
           stake_eur_cents == f.stake_eur_cents && payout_eur_cents == f.payout_eur_cents &&
           potential_payout_eur_cents == f.potential_payout_eur_cents &&
           placed_at_us == f.placed_at_us && settled_at_us == f.settled_at_us &&
           status == f.status && player_id == f.player_id && player_country == f.player_country &&
           currency == f.currency && channel == f.channel && sport == kpi_sport(f);
}

facts::FactBet KpiBetBase::to_fact(int64_t bet_id) const {
    facts::FactBet f;
    f.bet_id = bet_id;
    f.version = version;
    f.player_country = player_country;
    f.player_id = player_id;
    f.currency = currency;
    f.sports.push_back(sport);  // kpi_sport() of {s} is s (and "" stays "")
    f.channel = channel;
    f.status = status;
    f.stake_minor = stake_minor;
    f.potential_payout_minor = potential_payout_minor;
    f.payout_minor = payout_minor;
    f.ggr_minor = ggr_minor;
    f.stake_eur_cents = stake_eur_cents;
    f.payout_eur_cents = payout_eur_cents;
    f.potential_payout_eur_cents = potential_payout_eur_cents;
    f.placed_at_us = placed_at_us;
    f.settled_at_us = settled_at_us;
    return f;
}

KpiWalletBase KpiWalletBase::of(const facts::FactWalletTransaction& f) {
    KpiWalletBase b;
    b.version = f.version;
    b.player_country = f.player_country;
    b.player_id = f.player_id;
    b.currency = f.currency;
    b.type = f.type;
    b.status = f.status;
    b.amount_minor = f.amount_minor;
    b.amount_eur_cents = f.amount_eur_cents;
    b.created_at_us = f.created_at_us;
    b.deleted = f.deleted;
    return b;
}

bool KpiWalletBase::same_inputs(const facts::FactWalletTransaction& f) const {
    return amount_minor == f.amount_minor && amount_eur_cents == f.amount_eur_cents &&
           created_at_us == f.created_at_us && deleted == f.deleted && status == f.status &&
           type == f.type && player_id == f.player_id && player_country == f.player_country &&
           currency == f.currency;
}

facts::FactWalletTransaction KpiWalletBase::to_fact(int64_t id) const {
    facts::FactWalletTransaction f;
    f.id = id;
    f.version = version;
    f.player_country = player_country;
    f.player_id = player_id;
    f.currency = currency;
    f.type = type;
    f.status = status;
    f.amount_minor = amount_minor;
    f.amount_eur_cents = amount_eur_cents;
    f.created_at_us = created_at_us;
    f.deleted = deleted;
    return f;
}

}  // namespace tote

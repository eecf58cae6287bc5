#include "simulate/anomaly_injector.h"

namespace tote {

std::string_view to_text(AnomalyKind k) {
    static constexpr std::string_view t[] = {"payout_without_credit", "stake_debited_twice",
                                             "leg_unknown_selection", "currency_mismatch",
                                             "settled_with_open_leg", "bet_on_finished_event",
                                             "negative_amount"};
    return t[static_cast<size_t>(k)];
}

}  // namespace tote

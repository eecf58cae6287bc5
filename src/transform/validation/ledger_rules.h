#pragma once
// Rules that match a bet against its ledger entries (wallet transactions with its bet_id), and
// a ledger entry against its bet. Amounts follow the model's sign convention
// (src/model/wallet_transaction.h). Only COMPLETED entries move money; reversed, failed and
// pending ones are ignored by the sums.
#include "transform/validation/bet_context.h"
#include "transform/validation/check_result.h"
#include "transform/validation/wallet_context.h"

namespace tote::validation {

CheckResult check_stake_debit_matches_bet(const BetContext& c);
CheckResult check_bet_has_stake_debit(const BetContext& c);
CheckResult check_winning_settlement_has_payout_credit(const BetContext& c);
CheckResult check_settled_bet_net_credit_matches(const BetContext& c);
CheckResult check_bet_currency_equals_wallet_currency(const BetContext& c);

CheckResult check_debit_has_bet(const WalletContext& c);
CheckResult check_wallet_amount_sign_matches_type(const WalletContext& c);

}  // namespace tote::validation

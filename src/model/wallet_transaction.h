#pragma once
// One ledger entry. amount_minor follows the MODEL's sign convention whatever the source's:
//   deposit +, withdrawal -, stake_debit -, payout_credit +, refund +, bonus_credit +,
//   adjustment: either sign (a reversal of an earlier credit is -).
// The mapping turns a source that stores absolute amounts into this convention.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tote::model {

enum class WalletTransactionType : uint8_t {
    Deposit,
    Withdrawal,
    StakeDebit,
    PayoutCredit,
    Refund,
    BonusCredit,
    Adjustment
};
enum class WalletTransactionStatus : uint8_t { Pending, Completed, Failed, Reversed };

inline std::string_view to_text(WalletTransactionType t) {
    switch (t) {
        case WalletTransactionType::Deposit:
            return "deposit";
        case WalletTransactionType::Withdrawal:
            return "withdrawal";
        case WalletTransactionType::StakeDebit:
            return "stake_debit";
        case WalletTransactionType::PayoutCredit:
            return "payout_credit";
        case WalletTransactionType::Refund:
            return "refund";
        case WalletTransactionType::BonusCredit:
            return "bonus_credit";
        case WalletTransactionType::Adjustment:
            return "adjustment";
    }
    return "?";
}

inline std::string_view to_text(WalletTransactionStatus s) {
    switch (s) {
        case WalletTransactionStatus::Pending:
            return "pending";
        case WalletTransactionStatus::Completed:
            return "completed";
        case WalletTransactionStatus::Failed:
            return "failed";
        case WalletTransactionStatus::Reversed:
            return "reversed";
    }
    return "?";
}

struct WalletTransaction {
    int64_t id = 0;
    int64_t player_id = 0;
    WalletTransactionType type = WalletTransactionType::Deposit;
    int64_t amount_minor = 0;  // signed, model convention (see above)
    std::string currency;
    std::optional<int64_t> bet_id;  // the bet of a bet-related entry
    WalletTransactionStatus status = WalletTransactionStatus::Pending;
    int64_t created_at_us = 0;  // µs since the epoch, UTC; its UTC day is the ledger day
    bool operator==(const WalletTransaction&) const = default;
};

}  // namespace tote::model

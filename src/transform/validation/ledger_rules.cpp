#include "transform/validation/ledger_rules.h"

#include <string>
#include <vector>

namespace tote::validation {

using model::BetStatus;
using model::WalletTransaction;
using model::WalletTransactionStatus;
using model::WalletTransactionType;

namespace {

bool completed(const WalletTransaction& w) {
    return w.status == WalletTransactionStatus::Completed;
}

std::vector<const WalletTransaction*> completed_of(const BetContext& c, WalletTransactionType t) {
    std::vector<const WalletTransaction*> out;
    for (const auto& w : c.ledger)
        if (w.type == t && completed(w)) out.push_back(&w);
    return out;
}

// What the completed bet-related entries credited to the player in total:
// payout credits + refunds + adjustments (a reversal of an earlier credit is a negative
// adjustment; a credit whose status became 'reversed' no longer counts).
struct NetCredit {
    int64_t payouts = 0, refunds = 0, adjustments = 0;
    size_t payout_count = 0, refund_count = 0;
    int64_t net() const { return payouts + refunds + adjustments; }
    std::string breakdown() const {
        return "payout credits " + std::to_string(payouts) + ", refunds " +
               std::to_string(refunds) + ", adjustments " + std::to_string(adjustments);
    }
};

NetCredit net_credit(const BetContext& c) {
    NetCredit n;
    for (const auto& w : c.ledger) {
        if (!completed(w)) continue;
        switch (w.type) {
            case WalletTransactionType::PayoutCredit:
                n.payouts += w.amount_minor;
                ++n.payout_count;
                break;
            case WalletTransactionType::Refund:
                n.refunds += w.amount_minor;
                ++n.refund_count;
                break;
            case WalletTransactionType::Adjustment:
                n.adjustments += w.amount_minor;
                break;
            default:
                break;
        }
    }
    return n;
}

std::string bet_ref(const BetContext& c) {
    return "bet " + std::to_string(c.bet.id);
}

}  // namespace

CheckResult check_stake_debit_matches_bet(const BetContext& c) {
    auto debits = completed_of(c, WalletTransactionType::StakeDebit);
    if (debits.empty())
        return CheckResult::not_applicable("no completed stake debit for " + bet_ref(c) +
                                           " (bet_has_stake_debit reports it)");
    if (debits.size() > 1) {
        std::string ids;
        for (const auto* d : debits) ids += (ids.empty() ? "" : ", ") + std::to_string(d->id);
        std::string times = debits.size() == 2 ? "twice" : std::to_string(debits.size()) + " times";
        return CheckResult::fail("stake debited " + times + ": completed stake debits " + ids +
                                 " for " + bet_ref(c));
    }
    const WalletTransaction& d = *debits.front();
    if (d.amount_minor != -c.bet.stake_minor)
        return CheckResult::fail("stake debit " + std::to_string(d.id) + " amount " +
                                 std::to_string(d.amount_minor) + " != -stake_minor " +
                                 std::to_string(-c.bet.stake_minor) + " of " + bet_ref(c));
    if (d.currency != c.bet.currency)
        return CheckResult::fail("stake debit " + std::to_string(d.id) + " currency " + d.currency +
                                 " != bet currency " + c.bet.currency + " of " + bet_ref(c));
    return CheckResult::pass();
}

CheckResult check_bet_has_stake_debit(const BetContext& c) {
    if (c.bet.stake_minor == 0)
        return CheckResult::not_applicable(bet_ref(c) + " has stake 0: no debit expected");
    if (!completed_of(c, WalletTransactionType::StakeDebit).empty()) return CheckResult::pass();
    return CheckResult::unless_late(c.watermark_passed,
                                    bet_ref(c) + " has no completed stake debit in the ledger");
}

CheckResult check_winning_settlement_has_payout_credit(const BetContext& c) {
    if (c.bet.status != BetStatus::Won && c.bet.status != BetStatus::CashedOut)
        return CheckResult::not_applicable(bet_ref(c) + " is " +
                                           std::string(to_text(c.bet.status)));
    std::string what = c.bet.status == BetStatus::Won ? "won " : "cashed-out ";
    if (!c.bet.payout_minor) return CheckResult::fail(what + bet_ref(c) + " has no payout_minor");
    int64_t payout = *c.bet.payout_minor;
    NetCredit n = net_credit(c);
    if (n.net() == payout) return CheckResult::pass();
    if (n.payout_count == 0)
        return CheckResult::unless_late(c.watermark_passed,
                                        what + bet_ref(c) +
                                            " has no completed payout credit (payout_minor " +
                                            std::to_string(payout) + ")");
    return CheckResult::unless_late(
        c.watermark_passed, what + bet_ref(c) + ": net credited " + std::to_string(n.net()) + " (" +
                                n.breakdown() + ") != payout_minor " + std::to_string(payout));
}

CheckResult check_settled_bet_net_credit_matches(const BetContext& c) {
    int64_t expected = 0;
    if (c.bet.status == BetStatus::Void)
        expected = c.bet.stake_minor;
    else if (c.bet.status != BetStatus::Lost)
        return CheckResult::not_applicable(bet_ref(c) + " is " +
                                           std::string(to_text(c.bet.status)));
    NetCredit n = net_credit(c);
    if (n.net() == expected) return CheckResult::pass();
    if (c.bet.status == BetStatus::Void && n.refund_count == 0)
        return CheckResult::unless_late(c.watermark_passed, "void " + bet_ref(c) +
                                                                " has no completed refund (stake " +
                                                                std::to_string(expected) + ")");
    return CheckResult::unless_late(
        c.watermark_passed, std::string(to_text(c.bet.status)) + " " + bet_ref(c) +
                                ": net credited " + std::to_string(n.net()) + " (" + n.breakdown() +
                                ") != " + std::to_string(expected));
}

CheckResult check_bet_currency_equals_wallet_currency(const BetContext& c) {
    if (c.player) {
        if (c.player->currency == c.bet.currency) return CheckResult::pass();
        return CheckResult::fail(bet_ref(c) + " currency " + c.bet.currency +
                                 " != wallet currency " + c.player->currency + " of player " +
                                 std::to_string(c.player->id));
    }
    // Without the player, the ledger shows the wallet currency (entries are in it).
    if (!c.ledger.empty()) {
        const auto& w = c.ledger.front();
        if (w.currency == c.bet.currency) return CheckResult::pass();
        return CheckResult::unless_late(
            c.watermark_passed, bet_ref(c) + " currency " + c.bet.currency +
                                    " != wallet currency " + w.currency + " of its ledger entry " +
                                    std::to_string(w.id));
    }
    if (!c.watermark_passed)
        return CheckResult::pending("player " + std::to_string(c.bet.player_id) + " of " +
                                    bet_ref(c) + " not seen yet");
    return CheckResult::not_applicable("player " + std::to_string(c.bet.player_id) + " of " +
                                       bet_ref(c) +
                                       " unknown and no ledger entry: wallet currency unknown");
}

CheckResult check_debit_has_bet(const WalletContext& c) {
    const auto& w = c.transaction;
    if (w.type != WalletTransactionType::StakeDebit)
        return CheckResult::not_applicable("not a stake debit");
    std::string ref = "stake debit " + std::to_string(w.id);
    if (!w.bet_id) return CheckResult::fail(ref + " has no bet_id");
    if (c.bet_seen) return CheckResult::pass();
    return CheckResult::unless_late(
        c.watermark_passed,
        ref + " references bet " + std::to_string(*w.bet_id) + ", which never appeared");
}

CheckResult check_wallet_amount_sign_matches_type(const WalletContext& c) {
    const auto& w = c.transaction;
    int want = 0;  // +1: > 0, -1: < 0, 0: != 0
    switch (w.type) {
        case WalletTransactionType::Deposit:
        case WalletTransactionType::PayoutCredit:
        case WalletTransactionType::Refund:
        case WalletTransactionType::BonusCredit:
            want = 1;
            break;
        case WalletTransactionType::Withdrawal:
        case WalletTransactionType::StakeDebit:
            want = -1;
            break;
        case WalletTransactionType::Adjustment:
            want = 0;
            break;
    }
    bool ok = want > 0 ? w.amount_minor > 0 : want < 0 ? w.amount_minor < 0 : w.amount_minor != 0;
    if (ok) return CheckResult::pass();
    const char* expected = want > 0 ? "> 0" : want < 0 ? "< 0" : "!= 0";
    return CheckResult::fail(std::string(to_text(w.type)) + " " + std::to_string(w.id) +
                             " amount " + std::to_string(w.amount_minor) + " is not " + expected +
                             " (sign convention: " + std::string(to_text(w.type)) + " " +
                             (want > 0   ? "+"
                              : want < 0 ? "-"
                                         : "either sign, never 0") +
                             ")");
}

}  // namespace tote::validation

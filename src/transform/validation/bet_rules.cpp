#include "transform/validation/bet_rules.h"

#include <string>
#include <vector>

#include "core/value.h"
#include "model/time_text.h"
#include "transform/validation/payout_math.h"

namespace tote::validation {

using model::BetStatus;
using model::EventStatus;
using model::LegResult;

namespace {

std::string bet_ref(const BetContext& c) {
    return "bet " + std::to_string(c.bet.id);
}
std::string leg_ref(const LegContext& l) {
    return "leg " + std::to_string(l.leg.leg_no);
}
std::string odds_text(int64_t e4) {
    return to_string(Decimal{e4, 4});
}

}  // namespace

CheckResult check_amounts_non_negative(const BetContext& c) {
    const auto& b = c.bet;
    if (b.stake_minor < 0)
        return CheckResult::fail("stake_minor " + std::to_string(b.stake_minor) + " of " +
                                 bet_ref(c) + " is negative");
    if (b.potential_payout_minor < 0)
        return CheckResult::fail("potential_payout_minor " +
                                 std::to_string(b.potential_payout_minor) + " of " + bet_ref(c) +
                                 " is negative");
    if (b.payout_minor && *b.payout_minor < 0)
        return CheckResult::fail("payout_minor " + std::to_string(*b.payout_minor) + " of " +
                                 bet_ref(c) + " is negative");
    return CheckResult::pass();
}

CheckResult check_payout_consistent_with_odds(const BetContext& c) {
    const auto& b = c.bet;
    switch (b.status) {
        case BetStatus::Open:
            if (b.payout_minor)
                return CheckResult::fail("open " + bet_ref(c) + " has payout_minor " +
                                         std::to_string(*b.payout_minor));
            return CheckResult::not_applicable(bet_ref(c) + " is open");
        case BetStatus::Lost:
        case BetStatus::Void:
            if (b.payout_minor.value_or(0) != 0)
                return CheckResult::fail(std::string(to_text(b.status)) + " " + bet_ref(c) +
                                         " has payout_minor " + std::to_string(*b.payout_minor) +
                                         " (expected 0)");
            return CheckResult::pass();
        case BetStatus::CashedOut:
            if (!b.payout_minor)
                return CheckResult::fail("cashed-out " + bet_ref(c) + " has no payout_minor");
            if (*b.payout_minor < 1 || *b.payout_minor > b.potential_payout_minor)
                return CheckResult::fail("cash-out amount " + std::to_string(*b.payout_minor) +
                                         " of " + bet_ref(c) + " is outside 1.." +
                                         std::to_string(b.potential_payout_minor) +
                                         " (the potential payout)");
            return CheckResult::pass();
        case BetStatus::Won:
            break;
    }
    if (!b.payout_minor) return CheckResult::fail("won " + bet_ref(c) + " has no payout_minor");
    if (c.legs.empty())
        return c.watermark_passed ? CheckResult::not_applicable("no legs of " + bet_ref(c) +
                                                                " seen: payout not recomputable")
                                  : CheckResult::pending("no legs of " + bet_ref(c) + " seen yet");
    std::vector<int64_t> effective;
    effective.reserve(c.legs.size());
    for (const auto& l : c.legs) {
        if (!l.leg.result)
            return CheckResult::not_applicable(leg_ref(l) + " of " + bet_ref(c) +
                                               " has no result "
                                               "(settled_bet_has_all_legs_settled reports it)");
        switch (*l.leg.result) {
            case LegResult::Win:
                effective.push_back(l.leg.odds_taken_e4);
                break;
            case LegResult::Void:
                effective.push_back(10000);
                break;
            case LegResult::Lose:
                return CheckResult::unless_late(c.watermark_passed,
                                                "won " + bet_ref(c) + " has losing " + leg_ref(l));
            case LegResult::DeadHeat: {
                if (!l.selection) {
                    std::string d = "dead-heat factor of " + leg_ref(l) + " of " + bet_ref(c) +
                                    ": selection " + std::to_string(l.leg.selection_id);
                    return c.watermark_passed ? CheckResult::not_applicable(d + " never seen")
                                              : CheckResult::pending(d + " not seen yet");
                }
                if (!l.selection->dead_heat_factor_e4)
                    return CheckResult::unless_late(
                        c.watermark_passed,
                        leg_ref(l) + " of " + bet_ref(c) + " is a dead heat but selection " +
                            std::to_string(l.selection->id) + " has no dead_heat_factor");
                effective.push_back(PayoutMath::dead_heat_odds_e4(
                    l.leg.odds_taken_e4, *l.selection->dead_heat_factor_e4));
                break;
            }
        }
    }
    auto odds = PayoutMath::product_e4(effective);
    if (!odds)
        return CheckResult::fail("effective odds of " + bet_ref(c) +
                                 " are not computable (an odds value <= 0 or an overflow)");
    auto expected = PayoutMath::apply(b.stake_minor, *odds);
    if (!expected)
        return CheckResult::fail("payout of " + bet_ref(c) + " overflows: stake " +
                                 std::to_string(b.stake_minor) + " x effective odds " +
                                 odds_text(*odds));
    if (*expected == *b.payout_minor) return CheckResult::pass();
    return CheckResult::unless_late(
        c.watermark_passed, "payout_minor " + std::to_string(*b.payout_minor) + " of " +
                                bet_ref(c) + " != floor(stake " + std::to_string(b.stake_minor) +
                                " x effective odds " + odds_text(*odds) +
                                ") = " + std::to_string(*expected));
}

CheckResult check_total_odds_consistent_with_legs(const BetContext& c) {
    const auto& b = c.bet;
    if (c.legs.empty())
        return c.watermark_passed
                   ? CheckResult::not_applicable("no legs of " + bet_ref(c) + " seen")
                   : CheckResult::pending("no legs of " + bet_ref(c) + " seen yet");
    std::vector<int64_t> odds;
    odds.reserve(c.legs.size());
    for (const auto& l : c.legs) odds.push_back(l.leg.odds_taken_e4);
    auto total = PayoutMath::product_e4(odds);
    if (!total || *total != b.total_odds_e4)
        return CheckResult::unless_late(
            c.watermark_passed, "total_odds " + odds_text(b.total_odds_e4) + " of " + bet_ref(c) +
                                    " != product of odds_taken rounded half-up = " +
                                    (total ? odds_text(*total) : std::string("not computable")));
    auto potential = PayoutMath::apply(b.stake_minor, b.total_odds_e4);
    if (!potential || *potential != b.potential_payout_minor)
        return CheckResult::fail("potential_payout_minor " +
                                 std::to_string(b.potential_payout_minor) + " of " + bet_ref(c) +
                                 " != floor(stake " + std::to_string(b.stake_minor) +
                                 " x total_odds " + odds_text(b.total_odds_e4) +
                                 ") = " + (potential ? std::to_string(*potential) : "overflow"));
    return CheckResult::pass();
}

CheckResult check_settled_bet_has_all_legs_settled(const BetContext& c) {
    const auto& b = c.bet;
    if (b.status == BetStatus::Open || b.status == BetStatus::CashedOut)
        return CheckResult::not_applicable(bet_ref(c) + " is " + std::string(to_text(b.status)));
    if (c.legs.empty())
        return CheckResult::unless_late(
            c.watermark_passed, std::string(to_text(b.status)) + " " + bet_ref(c) + " has no legs");
    for (const auto& l : c.legs)
        if (!l.leg.result)
            return CheckResult::unless_late(
                c.watermark_passed, bet_ref(c) + " is " + std::string(to_text(b.status)) + " but " +
                                        leg_ref(l) + " has no result");
    return CheckResult::pass();
}

CheckResult check_no_bet_on_finished_event(const BetContext& c) {
    bool unknown = false;
    for (const auto& l : c.legs) {
        if (!l.event_status_at_placement) {
            unknown = true;
            continue;
        }
        auto s = *l.event_status_at_placement;
        if (s == EventStatus::Finished || s == EventStatus::Cancelled)
            return CheckResult::fail(leg_ref(l) + " of " + bet_ref(c) + " was placed at " +
                                     model::TimeText::format_micros(c.bet.placed_at_us) +
                                     " on event " +
                                     (l.event ? std::to_string(l.event->id) : std::string("?")) +
                                     " already " + std::string(to_text(s)));
    }
    if (unknown && c.placed_before_stream)
        return CheckResult::not_applicable(
            bet_ref(c) +
            " was read by a snapshot (placed before the stream began): the status of "
            "its events at placement is not in the source");
    if (c.legs.empty() || unknown) {
        std::string d = c.legs.empty()
                            ? "no legs of " + bet_ref(c) + " seen"
                            : "the event of a leg of " + bet_ref(c) + " was not known at placement";
        return c.watermark_passed ? CheckResult::not_applicable(d)
                                  : CheckResult::pending(d + " yet");
    }
    return CheckResult::pass();
}

CheckResult check_leg_selection_known(const BetContext& c) {
    if (c.legs.empty())
        return c.watermark_passed
                   ? CheckResult::not_applicable("no legs of " + bet_ref(c) + " seen")
                   : CheckResult::pending("no legs of " + bet_ref(c) + " seen yet");
    for (const auto& l : c.legs)
        if (!l.selection)
            return CheckResult::unless_late(c.watermark_passed,
                                            leg_ref(l) + " of " + bet_ref(c) + ": selection " +
                                                std::to_string(l.leg.selection_id) + " unknown");
    return CheckResult::pass();
}

}  // namespace tote::validation

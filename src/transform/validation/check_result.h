#pragma once
// The outcome of one validation rule on one subject.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace tote::validation {

enum class Verdict : uint8_t {
    Pass,
    Fail,           // the subject breaks the rule; details say how
    Pending,        // it does not hold yet, but rows not seen yet could still make it hold:
                    // final only once the watermark passes (then Pass or Fail)
    NotApplicable,  // the rule says nothing about this subject (e.g. payout rules on an open bet)
};

inline std::string_view to_text(Verdict v) {
    switch (v) {
        case Verdict::Pass:
            return "pass";
        case Verdict::Fail:
            return "fail";
        case Verdict::Pending:
            return "pending";
        case Verdict::NotApplicable:
            return "not_applicable";
    }
    return "?";
}

struct CheckResult {
    Verdict verdict = Verdict::Pass;
    std::string details;  // empty on Pass; otherwise what was compared and what was found

    static CheckResult pass() { return {Verdict::Pass, {}}; }
    static CheckResult fail(std::string d) { return {Verdict::Fail, std::move(d)}; }
    static CheckResult pending(std::string d) { return {Verdict::Pending, std::move(d)}; }
    static CheckResult not_applicable(std::string d) {
        return {Verdict::NotApplicable, std::move(d)};
    }
    // A mismatch that a counterpart row not seen yet could still resolve: Fail once the
    // watermark has passed, Pending before.
    static CheckResult unless_late(bool watermark_passed, std::string d) {
        return watermark_passed ? fail(std::move(d)) : pending(std::move(d));
    }
    bool operator==(const CheckResult&) const = default;
};

}  // namespace tote::validation

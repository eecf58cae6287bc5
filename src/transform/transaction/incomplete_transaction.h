#pragma once
// The report the TransactionAssembler files when it releases a transaction that is not whole.
// The caller logs it (and may count it); the changes themselves are still delivered, flagged
// complete=false. See docs/transactions.md.
#include <cstdint>
#include <optional>
#include <string>

namespace tote {

enum class IncompleteCause {
    Watermark,     // END or changes did not arrive within the source-position watermark
    BufferLimit,   // the assembler's bound on buffered changes was reached; oldest released
    Inconsistent,  // more distinct changes, or a total_order above END's event_count
    Remainder,     // changes of a transaction that had already been released incomplete
    NoMetadata,    // a change without a transaction block (policy ReportIncomplete)
    EndOfInput,    // release_all(): the caller ended the input
};

inline const char* to_string(IncompleteCause c) {
    switch (c) {
        case IncompleteCause::Watermark:
            return "watermark";
        case IncompleteCause::BufferLimit:
            return "buffer limit";
        case IncompleteCause::Inconsistent:
            return "inconsistent";
        case IncompleteCause::Remainder:
            return "remainder";
        case IncompleteCause::NoMetadata:
            return "no transaction metadata";
        case IncompleteCause::EndOfInput:
            return "end of input";
    }
    return "unknown";
}

struct IncompleteTransaction {
    uint64_t tx_id = 0;
    std::optional<uint64_t> expected;  // END's event_count, when END arrived
    uint64_t received = 0;             // distinct changes delivered in this release
    int64_t first_offset = 0;
    int64_t last_offset = 0;
    IncompleteCause cause = IncompleteCause::Watermark;
    std::string reason;  // what happened, where, and what to check
};

}  // namespace tote

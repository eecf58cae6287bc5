#pragma once
// What the ledger rules look at for one wallet transaction.
#include "model/wallet_transaction.h"

namespace tote::validation {

struct WalletContext {
    model::WalletTransaction transaction;  // latest version
    bool bet_seen = false;                 // a bet with id == transaction.bet_id has been seen
    bool watermark_passed = false;
    uint8_t coverage = 7;  // SourceCoverage bits (bet_context.h)
};

}  // namespace tote::validation

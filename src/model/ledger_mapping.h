#pragma once
// The seam between an operator's OLTP schema and tote's betting model, for the wallet ledger.
// The simulator's schema is the default mapping, written in the same form a user writes theirs;
// a later issue turns these into documented user configuration.
#include <string>

namespace tote {

struct LedgerMapping {
    std::string table = "wallet_transactions";  // landed as <db>.land_<table>
    std::string day_column = "created_at";      // ISO-8601 text; its first 10 chars are the UTC day
    std::string currency_column = "currency";
    std::string type_column = "type";
    std::string amount_column = "amount_minor";  // signed integer minor units
};

}  // namespace tote

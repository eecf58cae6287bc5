#pragma once
// The wallet ledger as the landing reconciliation reads it (`tote reconcile`): the columns of the
// source table that the mapping file names the ledger (its wallet_transaction entity,
// docs/mapping.md). Derived from the BettingMapping, never written separately.
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "model/betting_mapping.h"
#include "model/wallet_transaction.h"

namespace tote {

struct LedgerMapping {
    std::string table;            // landed as <db>.land_<table>
    std::string day_column;       // ISO-8601 text; its first 10 chars are the UTC day
    std::string currency_column;  //
    std::string type_column;      // the source's type values
    std::string amount_column;    // as stored (the simulator's: signed integer minor units)
    // Decimal major units, converted with the row currency's exponent (money: major).
    bool amount_major = false;
    // An integer timestamp column counts this many micros per unit (formats.integer_time); a
    // text column's first 10 characters are its day.
    int64_t integer_time_unit_us = 1;
    // Source type value -> (model type name, sign: 0 = the amount is signed as the model signs
    // it, +1/-1 = a magnitude). Empty: the source values are the model's names (the simulator).
    std::map<std::string, std::pair<std::string, int>> types;

    static LedgerMapping of(const model::BettingMapping& m) {
        const auto& w = m.wallet_transactions;
        LedgerMapping l;
        l.table = w.table;
        l.day_column = w.created_at;
        l.currency_column = w.currency;
        l.type_column = w.type;
        l.amount_column = w.amount;
        l.amount_major = w.amount_unit == model::MoneyUnit::Major;
        l.integer_time_unit_us = m.formats.integer_time_unit_us;
        bool identity = true;
        for (const auto& [source, t] : w.types) {
            const std::string name(model::to_text(t.type));
            identity = identity && t.sign == 0 && source == name;
            l.types[source] = {name, t.sign};
        }
        if (identity) l.types.clear();
        return l;
    }
};

}  // namespace tote

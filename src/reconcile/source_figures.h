#pragma once
// The OLTP database's own figures, read by SQL through the mapping file (`tote reconcile --oltp`):
// live rows per table, the ledger per UTC day x currency x type (x status) in signed minor
// units, and the bet figures per placement and settlement day x currency, with the definitions
// of GroundTruth::compute_from (docs/kpis.md). Everything schema-specific comes from the
// BettingMapping: table and column names, value maps, money units, signs, the bet currency from
// the player, the potential payout from the odds. Nothing here knows a schema.
//
// The database groups by the source's own values (days, currencies, codes, sums in the source's
// units); the value maps, signs and currency exponents are applied here, exactly, so that a code
// the mapping does not cover stays visible instead of vanishing in SQL. The connection is not
// known here: a query function runs the SQL (PostgreSQL or MariaDB, SqlDialect).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/betting_mapping.h"
#include "simulate/ground_truth.h"

namespace tote {

enum class SqlDialect { PostgreSQL, MariaDB };

using SqlRows = std::vector<std::vector<std::optional<std::string>>>;
using SqlQuery = std::function<SqlRows(const std::string& sql)>;

class SourceFigures {
public:
    SourceFigures(const model::BettingMapping& mapping, SqlDialect dialect, SqlQuery query);

    // The figures (log_offset -1). The caller runs it inside one consistent read-only snapshot.
    // `also_count`: more tables whose live rows are compared (those the warehouse landed); a
    // table the source does not have is left out. Throws Fatal when a sum does not convert
    // exactly to minor units or a time column has a type tote cannot take a UTC day of.
    GroundTruth read(const std::vector<std::string>& also_count = {});

    // Rows whose codes the mapping does not cover (bet statuses): such bets can build no facts,
    // so each line is a difference to show. Filled by read().
    const std::vector<std::string>& unmapped() const { return unmapped_; }

    // The ledger rows of one day x currency x (model) type, by their key as tote lands it
    // ({"id":N}) -> amount in signed minor units, for locating a ledger difference row by row.
    std::map<std::string, int64_t> ledger_rows(const std::string& day, const std::string& currency,
                                               const std::string& type);

    // Every bet, by its key as shown for a bet ({"id":N}) -> status|stake|currency|payout|
    // settlement day in the model's terms (the status's model name, minor units, payout 0 and
    // day "" when there is none), the text Reconciler::locate_bets makes of fact_bet.
    std::map<std::string, std::string> bet_rows();

    // The SQL text of the UTC day (YYYY-MM-DD) of a time column of `table`, by the column's type
    // in the source catalog, qualified by a table alias when one is given (exposed for tests).
    std::string utc_day_sql(const std::string& table, const std::string& column,
                            const std::string& qualifier = "");

private:
    std::string id(const std::string& name) const;  // a quoted identifier
    std::string literal(const std::string& s) const;
    std::string column_type(const std::string& table, const std::string& column);
    std::vector<std::string> source_tables();
    // Sum text of the source's money column(s) as minor units of `currency`.
    int64_t minor(const std::optional<std::string>& sum, model::MoneyUnit unit,
                  const std::string& currency, const std::string& what) const;
    // CASE over the currencies of a column: the factor 10^exponent of each (for per-row
    // products that must be floored row by row).
    std::string exponent_factor_sql(const std::string& currency_sql, const std::string& from_sql);
    void read_ledger(GroundTruth& t);
    void read_bets(GroundTruth& t);
    // FROM clause of the bets (with their players when the currency is the player's) and the
    // SQL of a bet's currency.
    std::pair<std::string, std::string> bets_from_and_currency() const;

    model::BettingMapping m_;
    SqlDialect dialect_;
    SqlQuery query_;
    std::vector<std::string> unmapped_;
};

}  // namespace tote

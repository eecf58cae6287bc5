#include "simulate/table_def.h"

namespace tote {
namespace {

using C = ColumnDef;
constexpr auto I64 = ColType::Int64;
constexpr auto I32 = ColType::Int32;
constexpr auto TXT = ColType::Text;
constexpr auto NUM = ColType::Numeric;
constexpr auto TS = ColType::Timestamptz;
constexpr auto DATE = ColType::Date;
constexpr auto SERIAL = ColDefault::Serial;
constexpr auto NOW = ColDefault::Now;

constexpr C kSports[] = {{"id", I64, false, true, SERIAL}, {"name", TXT, false, false}};
constexpr C kCompetitions[] = {{"id", I64, false, true, SERIAL},
                               {"sport_id", I64, false, false},
                               {"name", TXT, false, false},
                               {"country", TXT, true, false}};
constexpr C kEvents[] = {{"id", I64, false, true, SERIAL}, {"competition_id", I64, false, false},
                         {"home", TXT, false, false},      {"away", TXT, false, false},
                         {"start_at", TS, false, false},   {"status", TXT, false, false},
                         {"result", TXT, true, false}};
constexpr C kMarkets[] = {{"id", I64, false, true, SERIAL},
                          {"event_id", I64, false, false},
                          {"type", TXT, false, false},
                          {"line", NUM, true, false, ColDefault::None, 6, 2},
                          {"status", TXT, false, false}};
constexpr C kSelections[] = {{"id", I64, false, true, SERIAL},
                             {"market_id", I64, false, false},
                             {"name", TXT, false, false},
                             {"odds", NUM, false, false, ColDefault::None, 10, 4},
                             {"result", TXT, true, false},
                             {"dead_heat_factor", NUM, true, false, ColDefault::None, 6, 4}};
constexpr C kPlayers[] = {{"id", I64, false, true, SERIAL},    {"country", TXT, false, false},
                          {"currency", TXT, false, false},     {"channel", TXT, false, false},
                          {"registered_at", TS, false, false}, {"status", TXT, false, false},
                          {"kyc_note", TXT, true, false}};
constexpr C kWallet[] = {{"id", I64, false, true, SERIAL}, {"player_id", I64, false, false},
                         {"type", TXT, false, false},      {"amount_minor", I64, false, false},
                         {"currency", TXT, false, false},  {"bet_id", I64, true, false},
                         {"status", TXT, false, false},    {"created_at", TS, false, false, NOW}};
constexpr C kFx[] = {{"currency", TXT, false, true},
                     {"day", DATE, false, true},
                     {"rate_to_eur", NUM, false, false, ColDefault::None, 20, 10}};
constexpr C kBets[] = {{"id", I64, false, true, SERIAL},
                       {"player_id", I64, false, false},
                       {"type", TXT, false, false},
                       {"stake_minor", I64, false, false},
                       {"currency", TXT, false, false},
                       {"total_odds", NUM, false, false, ColDefault::None, 14, 4},
                       {"potential_payout_minor", I64, false, false},
                       {"status", TXT, false, false},
                       {"payout_minor", I64, true, false},
                       {"placed_at", TS, false, false},
                       {"settled_at", TS, true, false},
                       {"channel", TXT, false, false}};
constexpr C kLegs[] = {{"bet_id", I64, false, true},
                       {"leg_no", I32, false, true},
                       {"selection_id", I64, false, false},
                       {"odds_taken", NUM, false, false, ColDefault::None, 10, 4},
                       {"result", TXT, true, false}};
constexpr C kStaging[] = {{"id", I64, false, true, SERIAL},
                          {"selection_id", I64, false, false},
                          {"odds", NUM, false, false, ColDefault::None, 10, 4},
                          {"received_at", TS, false, false, NOW}};

template <size_t N>
constexpr TableDef def(TableId id, std::string_view name, const C (&cols)[N]) {
    return TableDef{id, name, cols, N};
}

constexpr std::array<TableDef, kTableCount> kTables = {
    def(TableId::Sports, "sports", kSports),
    def(TableId::Competitions, "competitions", kCompetitions),
    def(TableId::Events, "events", kEvents),
    def(TableId::Markets, "markets", kMarkets),
    def(TableId::Selections, "selections", kSelections),
    def(TableId::Players, "players", kPlayers),
    def(TableId::WalletTransactions, "wallet_transactions", kWallet),
    def(TableId::FxRates, "fx_rates", kFx),
    def(TableId::Bets, "bets", kBets),
    def(TableId::BetLegs, "bet_legs", kLegs),
    def(TableId::OddsStaging, "odds_staging", kStaging),
};

}  // namespace

const TableDef& table_def(TableId id) {
    return kTables[static_cast<size_t>(id)];
}

}  // namespace tote

#pragma once
// The simulated sportsbook's OLTP database, in memory: one vector per table, ids dense from 1.
// The simulator mutates it and emits the change of every mutation; ground truth is computed
// from it (never from the emitted events).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "simulate/row_cells.h"

namespace tote {

struct CurrencyInfo {
    std::string_view code;
    std::string_view country;
    int exponent;            // ISO 4217 minor-unit exponent
    int64_t eur_rate_e10;    // start rate to EUR × 10^10
    int64_t stake_lo_major;  // typical stake range in major units
    int64_t stake_hi_major;
    uint32_t weight;  // share of players
};
inline constexpr std::array<CurrencyInfo, 8> kCurrencies = {{
    {"NGN", "NG", 2, 5'800'000, 100, 5000, 35},
    {"KES", "KE", 2, 66'666'667, 20, 1000, 25},
    {"GHS", "GH", 2, 588'235'294, 2, 100, 10},
    {"UGX", "UG", 0, 2'500'000, 1000, 50000, 10},
    {"TZS", "TZ", 2, 3'448'276, 1000, 50000, 8},
    {"ZMW", "ZM", 2, 344'827'586, 5, 200, 5},
    {"RWF", "RW", 0, 6'451'613, 200, 10000, 4},
    {"XAF", "CM", 0, 15'244'902, 200, 10000, 3},
}};

enum class Channel : uint8_t { Web, App, Ussd };
enum class PlayerStatus : uint8_t { Active, SelfExcluded, Closed };
enum class WalletType : uint8_t {
    Deposit,
    Withdrawal,
    StakeDebit,
    PayoutCredit,
    Refund,
    BonusCredit,
    Adjustment
};
inline constexpr size_t kWalletTypeCount = 7;
enum class WalletStatus : uint8_t { Pending, Completed, Failed, Reversed };
inline constexpr size_t kWalletStatusCount = 4;
enum class EventStatus : uint8_t { Scheduled, Live, Finished, Cancelled };
enum class MarketType : uint8_t { OneXTwo, OverUnder25, Btts, AsianHandicap, Winner };
enum class MarketStatus : uint8_t { Open, Suspended, Settled, Voided };
enum class Outcome : uint8_t { None, Win, Lose, Void, DeadHeat };
enum class BetType : uint8_t { Single, Accumulator };
enum class BetStatus : uint8_t { Open, Won, Lost, Void, CashedOut };

std::string_view to_text(Channel v);
std::string_view to_text(PlayerStatus v);
std::string_view to_text(WalletType v);
std::string_view to_text(WalletStatus v);
std::string_view to_text(EventStatus v);
std::string_view to_text(MarketType v);
std::string_view to_text(MarketStatus v);
std::string_view to_text(Outcome v);  // None -> "" (NULL)
std::string_view to_text(BetType v);
std::string_view to_text(BetStatus v);

struct Sport {
    int64_t id;
    std::string name;
};
struct Competition {
    int64_t id;
    int64_t sport_id;
    std::string name;
    std::string country;  // empty = NULL (international)
};
struct Event {
    int64_t id;
    int64_t competition_id;
    std::string home, away;
    int64_t start_at;
    EventStatus status = EventStatus::Scheduled;
    std::string result;  // empty = NULL
    // simulation-only fields (not columns)
    uint32_t slot = 0;
    uint32_t sport_index = 0;
    int64_t first_market = 0, market_count = 0;
    double lambda_home = 0, lambda_away = 0;  // football scoring rates
    int goals_home = 0, goals_away = 0;
    std::vector<int64_t> bets;  // bets with a leg on this event
};
struct Market {
    int64_t id;
    int64_t event_id;
    MarketType type;
    bool has_line = false;
    int64_t line_e2 = 0;  // numeric(6,2) unscaled
    MarketStatus status = MarketStatus::Open;
    int64_t first_selection = 0, selection_count = 0;
};
struct Selection {
    int64_t id;
    int64_t market_id;
    std::string name;
    int64_t odds_e4;
    Outcome result = Outcome::None;
    int64_t dead_heat_e4 = 0;  // 0 = NULL
    double probability = 0;    // simulation-only: the true chance
};
struct Player {
    int64_t id;
    uint8_t currency;  // index into kCurrencies (country follows)
    Channel channel;
    int64_t registered_at;
    PlayerStatus status = PlayerStatus::Active;
    std::string kyc_note;  // empty = NULL; long notes are TOASTed in PostgreSQL
    int64_t balance = 0;   // simulation-only: Σ completed amounts + pending debits
    bool clean = true;     // simulation-only: no anomaly touched this player
    bool negative_after_resettlement = false;  // a payout reversal took more than the balance
};
struct WalletTx {
    int64_t id;
    int64_t player_id;
    WalletType type;
    int64_t amount_minor;  // signed: debits negative, credits positive
    uint8_t currency;
    int64_t bet_id = 0;  // 0 = NULL
    WalletStatus status = WalletStatus::Completed;
    int64_t created_at;
    bool deleted = false;
};
struct FxRate {
    uint8_t currency;
    int64_t day;
    int64_t rate_e10;
};
struct BetLeg {
    int32_t leg_no;
    int64_t selection_id;
    int64_t odds_e4;
    Outcome result = Outcome::None;
};
struct Bet {
    int64_t id;
    int64_t player_id;
    BetType type;
    int64_t stake_minor;
    uint8_t currency;
    int64_t total_odds_e4;
    int64_t potential_payout_minor;
    BetStatus status = BetStatus::Open;
    bool has_payout = false;
    int64_t payout_minor = 0;
    int64_t placed_at;
    int64_t settled_at = 0;  // 0 = NULL
    Channel channel;
    std::vector<BetLeg> legs;
    // simulation-only
    uint8_t planned_anomaly = 0;  // AnomalyKind + 1 to realise at settlement; 0 = none
    int64_t credited_minor =
        0;  // what the ledger has credited for this bet (payouts, refunds, reversals)
};
struct OddsStagingRow {
    int64_t id;
    int64_t selection_id;
    int64_t odds_e4;
    int64_t received_at;
    bool deleted = false;
};

class OltpState {
public:
    std::vector<Sport> sports;
    std::vector<Competition> competitions;
    std::vector<Event> events;
    std::vector<Market> markets;
    std::vector<Selection> selections;
    std::vector<Player> players;
    std::vector<WalletTx> wallet;
    std::vector<FxRate> fx_rates;
    std::vector<Bet> bets;
    std::vector<OddsStagingRow> odds_staging;
    size_t odds_staging_first_live = 0;  // rows before this index were truncated

    // Lookups by id (ids are dense from 1); nullptr when unknown.
    Event* event(int64_t id) {
        return id >= 1 && id <= static_cast<int64_t>(events.size()) ? &events[id - 1] : nullptr;
    }
    Market* market(int64_t id) {
        return id >= 1 && id <= static_cast<int64_t>(markets.size()) ? &markets[id - 1] : nullptr;
    }
    Selection* selection(int64_t id) {
        return id >= 1 && id <= static_cast<int64_t>(selections.size()) ? &selections[id - 1]
                                                                        : nullptr;
    }
    Player& player(int64_t id) { return players[id - 1]; }
    Bet& bet(int64_t id) { return bets[id - 1]; }
    WalletTx& wallet_tx(int64_t id) { return wallet[id - 1]; }

    // Live rows per table now (deleted and truncated rows excluded).
    std::array<int64_t, kTableCount> live_row_counts() const;

    // The row's cells in DDL column order.
    static void cells(const Sport& r, RowCells& out);
    static void cells(const Competition& r, RowCells& out);
    static void cells(const Event& r, RowCells& out);
    static void cells(const Market& r, RowCells& out);
    static void cells(const Selection& r, RowCells& out);
    static void cells(const Player& r, RowCells& out);
    static void cells(const WalletTx& r, RowCells& out);
    static void cells(const FxRate& r, RowCells& out);
    static void cells(const Bet& r, RowCells& out);
    static void cells(const Bet& bet, const BetLeg& leg, RowCells& out);
    static void cells(const OddsStagingRow& r, RowCells& out);
};

}  // namespace tote

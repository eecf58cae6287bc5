#include "simulate/catalogue_builder.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "simulate/json_text.h"

namespace tote {
namespace {

enum SportIndex : uint32_t { kFootball, kBasketball, kTennis, kCricket, kGolf, kSportCount };
constexpr std::array<const char*, kSportCount> kSportNames = {"Football", "Basketball", "Tennis",
                                                              "Cricket", "Golf"};
constexpr std::array<uint32_t, kSportCount> kSportWeight = {75, 8, 8, 4, 5};

struct CompetitionSeed {
    uint32_t sport;
    const char* name;
    const char* country;  // "" = international
};
constexpr CompetitionSeed kCompetitions[] = {
    {kFootball, "English Premier League", "GB"},
    {kFootball, "LaLiga", "ES"},
    {kFootball, "Serie A", "IT"},
    {kFootball, "Bundesliga", "DE"},
    {kFootball, "Ligue 1", "FR"},
    {kFootball, "UEFA Champions League", ""},
    {kFootball, "Nigeria Premier Football League", "NG"},
    {kFootball, "Kenyan Premier League", "KE"},
    {kFootball, "Ghana Premier League", "GH"},
    {kFootball, "Uganda Premier League", "UG"},
    {kFootball, "Tanzanian Premier League", "TZ"},
    {kFootball, "Zambia Super League", "ZM"},
    {kFootball, "CAF Champions League", ""},
    {kFootball, "Africa Cup of Nations", ""},
    {kBasketball, "NBA", "US"},
    {kBasketball, "Basketball Africa League", ""},
    {kTennis, "ATP Tour", ""},
    {kTennis, "WTA Tour", ""},
    {kCricket, "Indian Premier League", "IN"},
    {kCricket, "ICC T20 World Cup", ""},
    {kGolf, "PGA Tour", "US"},
    {kGolf, "DP World Tour", ""},
};
constexpr const char* kCities[] = {"Lagos",  "Abuja",   "Kano",   "Enugu",  "Nairobi", "Mombasa",
                                   "Kisumu", "Accra",   "Kumasi", "Tamale", "Kampala", "Entebbe",
                                   "Dodoma", "Arusha",  "Lusaka", "Ndola",  "Kigali",  "Douala",
                                   "London", "Madrid",  "Milan",  "Munich", "Paris",   "Lyon",
                                   "Turin",  "Seville", "Porto",  "Dakar"};
constexpr const char* kSuffixes[] = {"United", "City",      "Rangers",  "Stars",
                                     "FC",     "Wanderers", "Warriors", "Eagles"};
constexpr const char* kGolfers[] = {"A. Mensah",     "B. Okafor", "C. Mwangi", "D. Banda",
                                    "E. Nkurunziza", "F. Owusu",  "G. Kato",   "H. Phiri"};

double poisson(double lambda, int k) {
    double p = std::exp(-lambda);
    for (int i = 1; i <= k; ++i) p *= lambda / i;
    return p;
}

constexpr int kMaxGoals = 10;

struct Grid {
    double p[kMaxGoals + 1][kMaxGoals + 1];
};

Grid score_grid(double lh, double la) {
    Grid g;
    for (int i = 0; i <= kMaxGoals; ++i)
        for (int j = 0; j <= kMaxGoals; ++j) g.p[i][j] = poisson(lh, i) * poisson(la, j);
    return g;
}

int draw_goals(Rng& rng, double lambda) {
    double u = rng.uniform(), acc = 0;
    for (int k = 0; k < kMaxGoals; ++k) {
        acc += poisson(lambda, k);
        if (u < acc) return k;
    }
    return kMaxGoals;
}

std::string team_name(Rng& rng) {
    return std::string(kCities[rng.below(std::size(kCities))]) + " " +
           kSuffixes[rng.below(std::size(kSuffixes))];
}

}  // namespace

void CatalogueBuilder::build_sports(OltpState& s) {
    for (uint32_t i = 0; i < kSportCount; ++i)
        s.sports.push_back(Sport{static_cast<int64_t>(i + 1), kSportNames[i]});
    int64_t id = 1;
    for (const auto& c : kCompetitions)
        s.competitions.push_back(
            Competition{id++, static_cast<int64_t>(c.sport + 1), c.name, c.country});
}

int64_t CatalogueBuilder::duration_us(const Event& e) {
    static constexpr int64_t kMinutes[] = {115, 150, 140, 200, 300};
    return kMinutes[e.sport_index] * 60 * kMicrosPerSecond;
}

void CatalogueBuilder::price(OltpState& s, Market& m, const std::vector<double>& probs,
                             double margin) {
    // probs of the outcomes that can win; a push (AH) is excluded from the sum beforehand.
    double total = 0;
    for (double p : probs) total += p;
    for (size_t i = 0; i < probs.size(); ++i) {
        Selection& sel = s.selections[m.first_selection - 1 + i];
        double p = std::max(probs[i] / total, 1e-4);
        double odds = 1.0 / (p * (1.0 + margin));
        int64_t cents = std::llround(odds * 100.0);
        cents = std::clamp<int64_t>(cents, 101, 10000);
        sel.odds_e4 = cents * 100;
        sel.probability = probs[i] / total;
    }
}

int64_t CatalogueBuilder::create_event(OltpState& s, Rng& rng, uint32_t slot, int64_t start_at) {
    uint32_t roll = static_cast<uint32_t>(rng.below(100)), sport = 0;
    for (uint32_t acc = 0; sport < kSportCount; ++sport) {
        acc += kSportWeight[sport];
        if (roll < acc) break;
    }
    std::vector<size_t> comps;
    for (size_t i = 0; i < std::size(kCompetitions); ++i)
        if (kCompetitions[i].sport == sport) comps.push_back(i);
    Event e;
    e.id = static_cast<int64_t>(s.events.size()) + 1;
    e.competition_id = static_cast<int64_t>(comps[rng.below(comps.size())]) + 1;
    e.sport_index = sport;
    e.slot = slot;
    e.start_at = start_at;
    if (sport == kGolf) {
        e.home = "Round 4";
        e.away = "Field";
    } else {
        e.home = team_name(rng);
        do e.away = team_name(rng);
        while (e.away == e.home);
    }
    e.first_market = static_cast<int64_t>(s.markets.size()) + 1;
    double margin = 0.05 + 0.05 * rng.uniform();
    auto add_market = [&](MarketType type, std::vector<std::string> names, bool has_line = false,
                          int64_t line_e2 = 0) -> Market& {
        Market m;
        m.id = static_cast<int64_t>(s.markets.size()) + 1;
        m.event_id = e.id;
        m.type = type;
        m.has_line = has_line;
        m.line_e2 = line_e2;
        m.first_selection = static_cast<int64_t>(s.selections.size()) + 1;
        m.selection_count = static_cast<int64_t>(names.size());
        for (auto& n : names) {
            Selection sel;
            sel.id = static_cast<int64_t>(s.selections.size()) + 1;
            sel.market_id = m.id;
            sel.name = std::move(n);
            sel.odds_e4 = 20000;
            s.selections.push_back(std::move(sel));
        }
        s.markets.push_back(m);
        ++e.market_count;
        return s.markets.back();
    };
    if (sport == kFootball) {
        e.lambda_home = 0.8 + 1.4 * rng.uniform();
        e.lambda_away = 0.6 + 1.2 * rng.uniform();
        Grid g = score_grid(e.lambda_home, e.lambda_away);
        double h = 0, d = 0, a = 0, over = 0, btts = 0;
        static constexpr int64_t kLines[] = {-100, -50, 0, 50};
        int64_t line = kLines[rng.below(4)];
        double ah_home = 0, ah_away = 0;
        for (int i = 0; i <= kMaxGoals; ++i)
            for (int j = 0; j <= kMaxGoals; ++j) {
                double p = g.p[i][j];
                (i > j ? h : i == j ? d : a) += p;
                if (i + j > 2) over += p;
                if (i > 0 && j > 0) btts += p;
                int64_t diff = (i - j) * 100 + line;
                if (diff > 0) ah_home += p;
                if (diff < 0) ah_away += p;
            }
        price(s, add_market(MarketType::OneXTwo, {"home", "draw", "away"}), {h, d, a}, margin);
        price(s, add_market(MarketType::OverUnder25, {"over", "under"}), {over, 1 - over}, margin);
        price(s, add_market(MarketType::Btts, {"yes", "no"}), {btts, 1 - btts}, margin);
        price(s, add_market(MarketType::AsianHandicap, {"home", "away"}, true, line),
              {ah_home, ah_away}, margin);
    } else if (sport == kGolf) {
        std::vector<std::string> names(std::begin(kGolfers), std::end(kGolfers));
        std::vector<double> w;
        for (size_t i = 0; i < names.size(); ++i) w.push_back(0.3 + rng.uniform());
        price(s, add_market(MarketType::Winner, names), w, margin + 0.1);
    } else {
        double p = 0.2 + 0.6 * rng.uniform();
        price(s, add_market(MarketType::Winner, {"home", "away"}), {p, 1 - p}, margin);
    }
    s.events.push_back(std::move(e));
    return s.events.back().id;
}

void CatalogueBuilder::football_results(OltpState& s, Event& e) {
    int i = e.goals_home, j = e.goals_away;
    e.result = std::to_string(i) + "-" + std::to_string(j);
    for (int64_t mid = e.first_market; mid < e.first_market + e.market_count; ++mid) {
        Market& m = s.markets[mid - 1];
        auto sel = [&](int k) -> Selection& { return s.selections[m.first_selection - 1 + k]; };
        auto set = [&](int k, bool win) { sel(k).result = win ? Outcome::Win : Outcome::Lose; };
        switch (m.type) {
            case MarketType::OneXTwo:
                set(0, i > j);
                set(1, i == j);
                set(2, i < j);
                break;
            case MarketType::OverUnder25:
                set(0, i + j > 2);
                set(1, i + j <= 2);
                break;
            case MarketType::Btts:
                set(0, i > 0 && j > 0);
                set(1, !(i > 0 && j > 0));
                break;
            case MarketType::AsianHandicap: {
                int64_t diff = (i - j) * 100 + m.line_e2;
                if (diff == 0) {
                    sel(0).result = Outcome::Void;
                    sel(1).result = Outcome::Void;
                } else {
                    set(0, diff > 0);
                    set(1, diff < 0);
                }
                break;
            }
            case MarketType::Winner:
                break;
        }
        m.status = MarketStatus::Settled;
    }
}

void CatalogueBuilder::result_event(OltpState& s, Rng& rng, Event& e) {
    e.status = EventStatus::Finished;
    if (e.sport_index == kFootball) {
        e.goals_home = draw_goals(rng, e.lambda_home);
        e.goals_away = draw_goals(rng, e.lambda_away);
        football_results(s, e);
        return;
    }
    Market& m = s.markets[e.first_market - 1];
    double u = rng.uniform(), acc = 0;
    int64_t winner = m.selection_count - 1;
    for (int64_t k = 0; k < m.selection_count; ++k) {
        acc += s.selections[m.first_selection - 1 + k].probability;
        if (u < acc) {
            winner = k;
            break;
        }
    }
    for (int64_t k = 0; k < m.selection_count; ++k)
        s.selections[m.first_selection - 1 + k].result = Outcome::Lose;
    Selection& w = s.selections[m.first_selection - 1 + winner];
    if (e.sport_index == kGolf && rng.chance(0.4)) {
        // A tie for first: both players are paid at half the odds (dead-heat factor 0.5).
        Selection& other = s.selections[m.first_selection - 1 + (winner + 1) % m.selection_count];
        w.result = other.result = Outcome::DeadHeat;
        w.dead_heat_e4 = other.dead_heat_e4 = 5000;
        e.result = "tie: " + w.name + " / " + other.name;
    } else {
        w.result = Outcome::Win;
        e.result = w.name;
    }
    m.status = MarketStatus::Settled;
}

void CatalogueBuilder::cancel_event(OltpState& s, Event& e) {
    e.status = EventStatus::Cancelled;
    for (int64_t mid = e.first_market; mid < e.first_market + e.market_count; ++mid) {
        Market& m = s.markets[mid - 1];
        m.status = MarketStatus::Voided;
        for (int64_t k = 0; k < m.selection_count; ++k)
            s.selections[m.first_selection - 1 + k].result = Outcome::Void;
    }
}

bool CatalogueBuilder::correct_event(OltpState& s, Event& e, std::vector<int64_t>& changed) {
    if (e.sport_index != kFootball || e.status != EventStatus::Finished) return false;
    std::vector<Outcome> before;
    int64_t first_sel = s.markets[e.first_market - 1].first_selection;
    const Market& last = s.markets[e.first_market + e.market_count - 2];
    int64_t end_sel = last.first_selection + last.selection_count;
    for (int64_t id = first_sel; id < end_sel; ++id) before.push_back(s.selections[id - 1].result);
    if (e.goals_home > 0)
        --e.goals_home;  // a home goal disallowed after review
    else
        ++e.goals_away;
    football_results(s, e);
    for (int64_t id = first_sel; id < end_sel; ++id)
        if (s.selections[id - 1].result != before[id - first_sel]) changed.push_back(id);
    return true;
}

void CatalogueBuilder::reprice_market(OltpState& s, Rng& rng, Market& m) {
    std::vector<double> probs;
    double implied = 0;
    for (int64_t k = 0; k < m.selection_count; ++k)
        implied += 1e4 / s.selections[m.first_selection - 1 + k].odds_e4;
    for (int64_t k = 0; k < m.selection_count; ++k) {
        Selection& sel = s.selections[m.first_selection - 1 + k];
        probs.push_back(sel.probability * (0.9 + 0.2 * rng.uniform()));
    }
    double margin = std::clamp(implied - 1.0, 0.05, 0.2);
    // Keep the true chances: only the quoted prices move.
    std::vector<double> keep;
    for (int64_t k = 0; k < m.selection_count; ++k)
        keep.push_back(s.selections[m.first_selection - 1 + k].probability);
    price(s, m, probs, margin);
    for (int64_t k = 0; k < m.selection_count; ++k)
        s.selections[m.first_selection - 1 + k].probability = keep[k];
}

}  // namespace tote

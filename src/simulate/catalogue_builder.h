#pragma once
// Builds and results the sports catalogue: sports, competitions, events with their markets and
// selections, odds priced from a scoring model with a bookmaker margin (Σ 1/odds ≈ 1.05–1.10),
// results drawn from the same model so all markets of an event agree.
#include <cstdint>
#include <vector>

#include "simulate/oltp_state.h"
#include "simulate/rng.h"

namespace tote {

class CatalogueBuilder {
public:
    // Sports (football dominant) and their competitions.
    static void build_sports(OltpState& state);
    // A new scheduled event in a slot, with markets and selections; returns its id.
    static int64_t create_event(OltpState& state, Rng& rng, uint32_t slot, int64_t start_at);
    // Minutes an event of this sport lasts from start to result.
    static int64_t duration_us(const Event& e);
    // Draws the result: event finished with result text, markets settled, selections resulted.
    static void result_event(OltpState& state, Rng& rng, Event& e);
    // Event cancelled: markets voided, every selection void.
    static void cancel_event(OltpState& state, Event& e);
    // A corrected football score (a goal disallowed or added): results recomputed. Appends the
    // ids of selections whose result changed; false when the event cannot be corrected.
    static bool correct_event(OltpState& state, Event& e, std::vector<int64_t>& changed);
    // Moves a market's prices a little (new odds on every selection).
    static void reprice_market(OltpState& state, Rng& rng, Market& m);

private:
    static void price(OltpState& state, Market& m, const std::vector<double>& probs, double margin);
    static void football_results(OltpState& state, Event& e);
};

}  // namespace tote

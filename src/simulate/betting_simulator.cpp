#include "simulate/betting_simulator.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"
#include "simulate/catalogue_builder.h"
#include "simulate/json_text.h"
#include "simulate/payout_calculator.h"
#include "source/file_log_writer.h"

namespace tote {
namespace {

constexpr size_t kSnapshotChunk = 4096;
constexpr TableId kSnapshotTables[] = {TableId::Sports,
                                       TableId::Competitions,
                                       TableId::Events,
                                       TableId::Markets,
                                       TableId::Selections,
                                       TableId::Players,
                                       TableId::WalletTransactions,
                                       TableId::FxRates};
constexpr int64_t kMinute = 60 * kMicrosPerSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kUnknownSelectionBase = 900'000'000;
constexpr size_t kLongNote = 2600;  // above PostgreSQL's TOAST threshold even after pglz

int64_t pow10(int e) {
    int64_t v = 1;
    while (e-- > 0) v *= 10;
    return v;
}

std::string kyc_text(Rng& rng, bool long_note) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string s = long_note ? "KYC dossier; scanned ID and proof of address, OCR digest: "
                              : "KYC: ID checked";
    if (long_note)
        while (s.size() < kLongNote) s.push_back(hex[rng.below(16)]);
    return s;
}

}  // namespace

BettingSimulator::BettingSimulator(SimulatorConfig config)
    : config_(std::move(config)),
      rng_(config_.seed),
      emitter_(config_),
      injector_(config_.seed, config_.anomaly_rate) {
    if (config_.events == 0 || config_.players == 0)
        throw ToteError(ErrorClass::Fatal,
                        "simulator needs at least one player and one event (--players, --events)");
    if (!(config_.bets_per_sim_second > 0))
        throw ToteError(ErrorClass::Fatal, "simulator bets_per_sim_second must be positive");
    start_us_ = parse_timestamp_us(config_.start_time);
    now_us_ = start_us_;
    mean_arrival_us_ = 1e6 * 0.70 / config_.bets_per_sim_second;
    next_arrival_us_ = start_us_ + 1 + static_cast<int64_t>(rng_.exponential(mean_arrival_us_));
    build_initial_state();
}

void BettingSimulator::build_initial_state() {
    CatalogueBuilder::build_sports(state_);
    slot_event_.resize(config_.events);
    double acc = 0;
    for (uint32_t i = 0; i < config_.events; ++i) {
        acc +=
            1.0 / std::pow(static_cast<double>(i + 1), 1.1);  // Zipf: a few events draw most bets
        slot_cumulative_.push_back(acc);
    }
    for (uint32_t slot = 0; slot < config_.events; ++slot) {
        int64_t start_at =
            start_us_ - 90 * kMinute + static_cast<int64_t>(rng_.below(36 * 60)) * kMinute;
        int64_t id = CatalogueBuilder::create_event(state_, rng_, slot, start_at);
        Event& e = *state_.event(id);
        slot_event_[slot] = id;
        if (start_at <= start_us_) {
            e.status = EventStatus::Live;
        } else {
            schedule(start_at, TaskKind::EventStart, id);
        }
        schedule(std::max(start_at + CatalogueBuilder::duration_us(e), start_us_ + kMinute),
                 TaskKind::EventFinish, id);
    }
    for (uint32_t i = 0; i < config_.players; ++i) {
        Player p;
        p.id = static_cast<int64_t>(i) + 1;
        uint32_t roll = static_cast<uint32_t>(rng_.below(100)), acc_w = 0;
        p.currency = 0;
        for (uint8_t c = 0; c < kCurrencies.size(); ++c) {
            acc_w += kCurrencies[c].weight;
            if (roll < acc_w) {
                p.currency = c;
                break;
            }
        }
        uint64_t ch = rng_.below(100);
        p.channel = ch < 55 ? Channel::App : ch < 80 ? Channel::Web : Channel::Ussd;
        p.registered_at = start_us_ - kHour - static_cast<int64_t>(rng_.below(700 * 24)) * kHour -
                          static_cast<int64_t>(rng_.below(3600)) * kMicrosPerSecond;
        if (rng_.chance(0.05))
            p.kyc_note = kyc_text(rng_, true);
        else if (rng_.chance(0.5))
            p.kyc_note = kyc_text(rng_, false);
        state_.players.push_back(std::move(p));
        Player& pl = state_.players.back();
        const auto& cur = kCurrencies[pl.currency];
        int64_t amount =
            cur.stake_hi_major * pow10(cur.exponent) * static_cast<int64_t>(1 + rng_.below(3));
        WalletTx w{
            static_cast<int64_t>(state_.wallet.size()) + 1,
            pl.id,
            WalletType::Deposit,
            amount,
            pl.currency,
            0,
            WalletStatus::Completed,
            std::min(pl.registered_at + static_cast<int64_t>(rng_.below(3600)) * kMicrosPerSecond,
                     start_us_ - 1)};
        state_.wallet.push_back(w);
        pl.balance += amount;
    }
    int64_t today = floor_div(start_us_, kMicrosPerDay);
    for (uint8_t c = 0; c < kCurrencies.size(); ++c) {
        int64_t rate = kCurrencies[c].eur_rate_e10;
        for (int64_t d = today - 7; d <= today; ++d) {
            state_.fx_rates.push_back(FxRate{c, d, rate});
            rate += static_cast<int64_t>(static_cast<double>(rate) * (rng_.uniform() - 0.5) * 0.01);
        }
    }
    schedule((today + 1) * kMicrosPerDay, TaskKind::FxDay, today + 1);
    snap_total_ = 0;
    const auto counts = state_.live_row_counts();
    for (TableId t : kSnapshotTables)
        snap_total_ += static_cast<size_t>(counts[static_cast<size_t>(t)]);
}

void BettingSimulator::schedule(int64_t at_us, TaskKind kind, int64_t id) {
    tasks_.push(Task{at_us, task_seq_++, kind, id});
}

bool BettingSimulator::finished() const {
    return config_.max_change_events != 0 &&
           emitter_.change_events_emitted() >= config_.max_change_events;
}

size_t BettingSimulator::step(FileLogWriter& writer) {
    emitter_.set_writer(&writer);
    size_t n = step_impl();
    emitter_.set_writer(nullptr);
    return n;
}

size_t BettingSimulator::step(ChangeSink& sink) {
    emitter_.set_writer(nullptr);
    emitter_.set_change_sink(&sink);
    struct Detach {
        DebeziumEmitter& e;
        ~Detach() { e.set_change_sink(nullptr); }
    } detach{emitter_};
    return step_impl();
}

void BettingSimulator::fast_forward(int64_t records) {
    emitter_.set_writer(nullptr);
    while (static_cast<int64_t>(records_emitted()) < records) {
        if (step_impl() == 0)
            throw ToteError(ErrorClass::Fatal,
                            "cannot continue the log: this simulator configuration ends after " +
                                std::to_string(records_emitted()) + " records but the log holds " +
                                std::to_string(records) +
                                " (was it written with other settings? start a new log)");
    }
    if (static_cast<int64_t>(records_emitted()) != records)
        throw ToteError(ErrorClass::Fatal,
                        "cannot continue the log: it holds " + std::to_string(records) +
                            " records, which is not a transaction boundary of this simulator "
                            "configuration (next "
                            "boundary at " +
                            std::to_string(records_emitted()) +
                            "); it was written with other settings or cut mid-step");
}

size_t BettingSimulator::step_impl() {
    uint64_t before = records_emitted();
    if (!snapshot_done_) {
        snapshot_chunk();
        return records_emitted() - before;
    }
    if (finished()) return 0;
    for (;;) {
        bool did;
        if (!tasks_.empty() && tasks_.top().at_us <= next_arrival_us_) {
            Task t = tasks_.top();
            tasks_.pop();
            now_us_ = std::max({now_us_, t.at_us, emitter_.last_commit_us() + 1});
            did = run_task(t);
        } else {
            now_us_ = std::max({now_us_, next_arrival_us_, emitter_.last_commit_us() + 1});
            next_arrival_us_ =
                now_us_ + 1 + static_cast<int64_t>(rng_.exponential(mean_arrival_us_));
            did = run_action();
        }
        if (did) break;
    }
    if (config_.redelivery_rate > 0 && rng_.chance(config_.redelivery_rate))
        emitter_.redeliver(1 + rng_.below(16));
    return records_emitted() - before;
}

bool BettingSimulator::snapshot_chunk() {
    size_t budget = kSnapshotChunk;
    const auto counts = state_.live_row_counts();
    while (budget > 0 && snap_table_ < std::size(kSnapshotTables)) {
        TableId t = kSnapshotTables[snap_table_];
        size_t rows = static_cast<size_t>(counts[static_cast<size_t>(t)]);
        if (snap_row_ >= rows) {
            ++snap_table_;
            snap_row_ = 0;
            continue;
        }
        switch (t) {
            case TableId::Sports:
                OltpState::cells(state_.sports[snap_row_], cells_);
                break;
            case TableId::Competitions:
                OltpState::cells(state_.competitions[snap_row_], cells_);
                break;
            case TableId::Events:
                OltpState::cells(state_.events[snap_row_], cells_);
                break;
            case TableId::Markets:
                OltpState::cells(state_.markets[snap_row_], cells_);
                break;
            case TableId::Selections:
                OltpState::cells(state_.selections[snap_row_], cells_);
                break;
            case TableId::Players:
                OltpState::cells(state_.players[snap_row_], cells_);
                break;
            case TableId::WalletTransactions:
                OltpState::cells(state_.wallet[snap_row_], cells_);
                break;
            case TableId::FxRates:
                OltpState::cells(state_.fx_rates[snap_row_], cells_);
                break;
            default:
                break;
        }
        std::string_view marker = "true";
        if (snap_emitted_ == 0)
            marker = "first";
        else if (snap_emitted_ + 1 == snap_total_)
            marker = "last";
        else if (snap_row_ == 0)
            marker = "first_in_data_collection";
        else if (snap_row_ + 1 == rows)
            marker = "last_in_data_collection";
        emitter_.snapshot_read(cells_, marker, start_us_);
        ++snap_row_;
        ++snap_emitted_;
        --budget;
    }
    if (snap_emitted_ == snap_total_) snapshot_done_ = true;
    return true;
}

bool BettingSimulator::run_task(const Task& t) {
    switch (t.kind) {
        case TaskKind::EventStart:
            return event_start(t.id);
        case TaskKind::EventFinish:
            return event_finish(t.id);
        case TaskKind::SettleBet:
            return settle_bet(t.id);
        case TaskKind::Resettle:
            return resettle_bet(t.id);
        case TaskKind::Correction:
            return correct_event(t.id);
        case TaskKind::NewEvent:
            return new_event(t.id);
        case TaskKind::DepositDone:
            return deposit_done(t.id);
        case TaskKind::WithdrawalDone:
            return withdrawal_done(t.id);
        case TaskKind::Chargeback:
            return chargeback(t.id);
        case TaskKind::FxDay:
            return fx_day(t.id);
        case TaskKind::TruncateStaging:
            return truncate_staging();
    }
    return false;
}

bool BettingSimulator::run_action() {
    uint64_t r = rng_.below(1000);
    if (r < 700) return place_bet();
    if (r < 790) {
        int64_t pid = pick_player();
        return pid != 0 && deposit(pid, false);
    }
    if (r < 840) return withdrawal();
    if (r < 940) return odds_change();
    if (r < 955) return register_player();
    if (r < 970) return update_player();
    if (r < 990) return cash_out();
    if (r < 995) return renumber_leg();
    if (r < 998) return delete_staging_row();
    return purge_failed_wallet_tx();
}

void BettingSimulator::begin_tx() {
    emitter_.begin(now_us_);
}
void BettingSimulator::commit_tx() {
    emitter_.commit();
}

int64_t BettingSimulator::add_wallet(int64_t player_id, WalletType type, int64_t amount,
                                     uint8_t currency, int64_t bet_id, WalletStatus status) {
    WalletTx w{static_cast<int64_t>(state_.wallet.size()) + 1,
               player_id,
               type,
               amount,
               currency,
               bet_id,
               status,
               now_us_};
    state_.wallet.push_back(w);
    emit_create(state_.wallet.back());
    return w.id;
}

void BettingSimulator::emit_create(const WalletTx& w) {
    OltpState::cells(w, cells_);
    emitter_.create(cells_);
}

int64_t BettingSimulator::pick_player() {
    for (int tries = 0; tries < 4; ++tries) {
        double u = rng_.uniform();
        size_t idx = static_cast<size_t>(u * u * static_cast<double>(state_.players.size()));
        const Player& p = state_.players[std::min(idx, state_.players.size() - 1)];
        if (p.status == PlayerStatus::Active) return p.id;
    }
    return 0;
}

int64_t BettingSimulator::pick_open_event() {
    for (int tries = 0; tries < 6; ++tries) {
        double u = rng_.uniform() * slot_cumulative_.back();
        size_t slot = static_cast<size_t>(
            std::upper_bound(slot_cumulative_.begin(), slot_cumulative_.end(), u) -
            slot_cumulative_.begin());
        slot = std::min(slot, slot_event_.size() - 1);
        const Event* e = state_.event(slot_event_[slot]);
        if (e && (e->status == EventStatus::Scheduled || e->status == EventStatus::Live))
            return e->id;
    }
    return 0;
}

int64_t BettingSimulator::stake_for(uint8_t currency) {
    const auto& c = kCurrencies[currency];
    double u = rng_.uniform();
    double x =
        static_cast<double>(c.stake_lo_major) *
        std::pow(static_cast<double>(c.stake_hi_major) / static_cast<double>(c.stake_lo_major),
                 u * u);
    int64_t step = std::max<int64_t>(1, c.stake_lo_major / 2);
    int64_t major =
        std::max<int64_t>(c.stake_lo_major, std::llround(x / static_cast<double>(step)) * step);
    return major * pow10(c.exponent);
}

size_t BettingSimulator::refresh_legs(Bet& b, std::vector<size_t>& changed) {
    size_t open = 0;
    for (size_t i = 0; i < b.legs.size(); ++i) {
        BetLeg& l = b.legs[i];
        const Selection* s = state_.selection(l.selection_id);
        if (s && s->result != l.result && s->result != Outcome::None) {
            l.result = s->result;
            changed.push_back(i);
        }
        if (l.result == Outcome::None) ++open;
    }
    return open;
}

// ---- actions --------------------------------------------------------------------------

bool BettingSimulator::place_bet() {
    int64_t pid = pick_player();
    if (pid == 0) return false;
    AnomalyKind kind{};
    bool anomalous = injector_.draw(kind);
    if (anomalous && kind == AnomalyKind::NegativeAmount) return deposit(pid, true);
    Player& p = state_.player(pid);
    int64_t stake = stake_for(p.currency);
    if (p.balance < stake) return deposit(pid, false);

    size_t want = rng_.chance(0.6) ? 1 : 2 + static_cast<size_t>(rng_.below(5));
    if (anomalous && kind == AnomalyKind::SettledWithOpenLeg) want = std::max<size_t>(want, 2);
    Bet b;
    b.id = static_cast<int64_t>(state_.bets.size()) + 1;
    b.player_id = pid;
    b.stake_minor = stake;
    b.currency = p.currency;
    b.placed_at = now_us_;
    b.channel = rng_.chance(0.85) ? p.channel : static_cast<Channel>(rng_.below(3));
    std::vector<int64_t> used_events;
    auto add_leg_on = [&](int64_t event_id) {
        Event& e = *state_.event(event_id);
        std::vector<int64_t> open_markets;
        for (int64_t m = e.first_market; m < e.first_market + e.market_count; ++m)
            if (state_.markets[m - 1].status == MarketStatus::Open ||
                e.status == EventStatus::Finished)
                open_markets.push_back(m);
        if (open_markets.empty()) return false;
        Market& m = state_.markets[open_markets[rng_.below(open_markets.size())] - 1];
        double u = rng_.uniform(), acc = 0;
        int64_t pick = m.first_selection + m.selection_count - 1;
        for (int64_t k = 0; k < m.selection_count; ++k) {
            acc += state_.selections[m.first_selection - 1 + k].probability;
            if (u < acc) {
                pick = m.first_selection + k;
                break;
            }
        }
        b.legs.push_back(BetLeg{static_cast<int32_t>(b.legs.size()) + 1, pick,
                                state_.selections[pick - 1].odds_e4});
        used_events.push_back(event_id);
        return true;
    };
    for (size_t i = 0; i < want; ++i) {
        for (int tries = 0; tries < 8; ++tries) {
            int64_t eid = pick_open_event();
            if (eid == 0) break;
            if (std::find(used_events.begin(), used_events.end(), eid) != used_events.end())
                continue;
            if (add_leg_on(eid)) break;
        }
    }
    if (b.legs.empty()) return false;
    if (anomalous) {
        switch (kind) {
            case AnomalyKind::SettledWithOpenLeg:
                if (b.legs.size() < 2) anomalous = false;
                break;
            case AnomalyKind::LegUnknownSelection:
                b.legs.back().selection_id = kUnknownSelectionBase + b.id;
                break;
            case AnomalyKind::BetOnFinishedEvent: {
                if (recent_finished_.empty()) {
                    anomalous = false;
                    break;
                }
                int64_t eid = recent_finished_[rng_.below(recent_finished_.size())];
                auto legs = std::move(b.legs);
                auto events = std::move(used_events);
                b.legs.clear();
                used_events.clear();
                if (!add_leg_on(eid)) {
                    b.legs = std::move(legs);
                    used_events = std::move(events);
                    anomalous = false;
                    break;
                }
                for (size_t i = 1; i < legs.size(); ++i) {
                    if (std::find(used_events.begin(), used_events.end(), events[i]) !=
                        used_events.end())
                        continue;
                    legs[i].leg_no = static_cast<int32_t>(b.legs.size()) + 1;
                    b.legs.push_back(legs[i]);
                    used_events.push_back(events[i]);
                }
                break;
            }
            case AnomalyKind::CurrencyMismatch:
                b.currency = static_cast<uint8_t>(
                    (p.currency + 1 + rng_.below(kCurrencies.size() - 1)) % kCurrencies.size());
                break;
            default:
                break;
        }
    }
    b.type = b.legs.size() == 1 ? BetType::Single : BetType::Accumulator;
    b.total_odds_e4 = PayoutCalculator::total_odds_e4(b.legs);
    b.potential_payout_minor = PayoutCalculator::apply(b.stake_minor, b.total_odds_e4);
    if (anomalous &&
        (kind == AnomalyKind::PayoutWithoutCredit || kind == AnomalyKind::SettledWithOpenLeg))
        b.planned_anomaly = static_cast<uint8_t>(static_cast<uint8_t>(kind) + 1);
    state_.bets.push_back(std::move(b));
    Bet& bet = state_.bets.back();
    for (int64_t eid : used_events) state_.event(eid)->bets.push_back(bet.id);

    begin_tx();
    OltpState::cells(bet, cells_);
    emitter_.create(cells_);
    for (const auto& leg : bet.legs) {
        OltpState::cells(bet, leg, cells_);
        emitter_.create(cells_);
    }
    bool twice = anomalous && kind == AnomalyKind::StakeDebitedTwice;
    add_wallet(pid, WalletType::StakeDebit, -stake, p.currency, bet.id, WalletStatus::Completed);
    if (twice)
        add_wallet(pid, WalletType::StakeDebit, -stake, p.currency, bet.id,
                   WalletStatus::Completed);
    commit_tx();
    p.balance -= twice ? 2 * stake : stake;

    if (anomalous) {
        switch (kind) {
            case AnomalyKind::StakeDebitedTwice:
            case AnomalyKind::CurrencyMismatch:
                injector_.record(kind, "bets", bet_key(bet.id), now_us_);
                taint(pid);
                break;
            case AnomalyKind::LegUnknownSelection:
                injector_.record(kind, "bet_legs",
                                 "{\"bet_id\":" + std::to_string(bet.id) +
                                     ",\"leg_no\":" + std::to_string(bet.legs.back().leg_no) + "}",
                                 now_us_);
                taint(pid);
                break;
            case AnomalyKind::BetOnFinishedEvent:
                injector_.record(kind, "bets", bet_key(bet.id), now_us_);
                taint(pid);
                schedule(now_us_ + kMinute, TaskKind::SettleBet, bet.id);
                break;
            default:
                break;
        }
    }
    if (bet.legs.size() > 1) {
        if (recent_accas_.size() >= 1024)
            recent_accas_.erase(recent_accas_.begin(), recent_accas_.begin() + 512);
        recent_accas_.push_back(bet.id);
    }
    if (open_bets_.size() >= 65536) {
        std::erase_if(open_bets_,
                      [&](int64_t id) { return state_.bet(id).status != BetStatus::Open; });
        if (open_bets_.size() >= 32768)
            open_bets_.erase(open_bets_.begin(), open_bets_.begin() + 16384);
    }
    open_bets_.push_back(bet.id);
    return true;
}

bool BettingSimulator::deposit(int64_t player_id, bool negative_anomaly) {
    Player& p = state_.player(player_id);
    const auto& c = kCurrencies[p.currency];
    int64_t step = std::max<int64_t>(1, c.stake_lo_major);
    int64_t major = std::max<int64_t>(
        5 * c.stake_lo_major,
        static_cast<int64_t>(static_cast<double>(c.stake_hi_major) * (0.2 + 1.8 * rng_.uniform())) /
            step * step);
    int64_t amount = major * pow10(c.exponent);
    begin_tx();
    int64_t id = negative_anomaly ? add_wallet(player_id, WalletType::Deposit, -amount, p.currency,
                                               0, WalletStatus::Completed)
                                  : add_wallet(player_id, WalletType::Deposit, amount, p.currency,
                                               0, WalletStatus::Pending);
    commit_tx();
    if (negative_anomaly) {
        p.balance -= amount;
        injector_.record(AnomalyKind::NegativeAmount, "wallet_transactions", bet_key(id), now_us_);
        taint(player_id);
    } else {
        schedule(now_us_ + (5 + static_cast<int64_t>(rng_.below(175))) * kMicrosPerSecond,
                 TaskKind::DepositDone, id);
    }
    return true;
}

bool BettingSimulator::withdrawal() {
    int64_t pid = pick_player();
    if (pid == 0) return false;
    Player& p = state_.player(pid);
    const auto& c = kCurrencies[p.currency];
    int64_t unit = std::max<int64_t>(1, c.stake_lo_major) * pow10(c.exponent);
    int64_t amount =
        static_cast<int64_t>(static_cast<double>(p.balance) * (0.2 + 0.6 * rng_.uniform())) / unit *
        unit;
    if (amount <= 0 || amount > p.balance) return false;
    begin_tx();
    int64_t id =
        add_wallet(pid, WalletType::Withdrawal, -amount, p.currency, 0, WalletStatus::Pending);
    commit_tx();
    p.balance -= amount;  // reserved while pending
    schedule(now_us_ + 2 * kMinute + static_cast<int64_t>(rng_.below(6 * 3600)) * kMicrosPerSecond,
             TaskKind::WithdrawalDone, id);
    return true;
}

bool BettingSimulator::odds_change() {
    int64_t eid = pick_open_event();
    if (eid == 0) return false;
    Event& e = *state_.event(eid);
    Market& m =
        state_.markets[e.first_market - 1 +
                       static_cast<int64_t>(rng_.below(static_cast<uint64_t>(e.market_count)))];
    if (m.status != MarketStatus::Open) return false;
    CatalogueBuilder::reprice_market(state_, rng_, m);
    begin_tx();
    for (int64_t k = 0; k < m.selection_count; ++k) {
        const Selection& s = state_.selections[m.first_selection - 1 + k];
        OltpState::cells(s, cells_);
        emitter_.update(cells_);
        state_.odds_staging.push_back(OddsStagingRow{
            static_cast<int64_t>(state_.odds_staging.size()) + 1, s.id, s.odds_e4, now_us_});
        OltpState::cells(state_.odds_staging.back(), cells_);
        emitter_.create(cells_);
        ++staging_live_;
    }
    commit_tx();
    if (staging_live_ > 2000 && !truncate_pending_) {
        truncate_pending_ = true;
        schedule(now_us_ + kMicrosPerSecond, TaskKind::TruncateStaging, 0);
    }
    return true;
}

bool BettingSimulator::register_player() {
    Player p;
    p.id = static_cast<int64_t>(state_.players.size()) + 1;
    p.currency = static_cast<uint8_t>(rng_.below(kCurrencies.size()));
    p.channel = static_cast<Channel>(rng_.below(3));
    p.registered_at = now_us_;
    if (rng_.chance(0.05)) p.kyc_note = kyc_text(rng_, true);
    state_.players.push_back(std::move(p));
    Player& pl = state_.players.back();
    begin_tx();
    OltpState::cells(pl, cells_);
    emitter_.create(cells_);
    if (rng_.chance(0.5)) {
        int64_t bonus = stake_for(pl.currency) * 2;
        add_wallet(pl.id, WalletType::BonusCredit, bonus, pl.currency, 0, WalletStatus::Completed);
        pl.balance += bonus;
    }
    commit_tx();
    return true;
}

bool BettingSimulator::update_player() {
    Player& p = state_.players[rng_.below(state_.players.size())];
    if (p.status == PlayerStatus::Closed) return false;
    uint64_t what = rng_.below(10);
    bool note_changed = false;
    if (what < 4) {
        p.channel = static_cast<Channel>((static_cast<int>(p.channel) + 1) % 3);
    } else if (what < 7) {
        p.status =
            p.status == PlayerStatus::Active ? PlayerStatus::SelfExcluded : PlayerStatus::Active;
    } else {
        p.kyc_note = kyc_text(rng_, rng_.chance(0.5));
        note_changed = true;
    }
    begin_tx();
    OltpState::cells(p, cells_);
    // An unchanged TOASTed value is not in the WAL: Debezium shows its placeholder.
    if (!note_changed && p.kyc_note.size() >= 2000) cells_[6] = Cell{CellKind::Unavailable, 0, {}};
    emitter_.update(cells_);
    commit_tx();
    return true;
}

bool BettingSimulator::cash_out() {
    for (int tries = 0; tries < 4 && !open_bets_.empty(); ++tries) {
        size_t idx = rng_.below(open_bets_.size());
        Bet& b = state_.bet(open_bets_[idx]);
        open_bets_[idx] = open_bets_.back();
        open_bets_.pop_back();
        if (b.status != BetStatus::Open) continue;
        bool unresolved = std::all_of(b.legs.begin(), b.legs.end(),
                                      [](const BetLeg& l) { return l.result == Outcome::None; });
        if (!unresolved) continue;
        int64_t offer =
            PayoutCalculator::apply(b.stake_minor, static_cast<int64_t>(3000 + rng_.below(6000)));
        offer = std::clamp<int64_t>(offer, 1, b.potential_payout_minor);
        b.status = BetStatus::CashedOut;
        b.has_payout = true;
        b.payout_minor = offer;
        b.settled_at = now_us_;
        Player& p = state_.player(b.player_id);
        begin_tx();
        OltpState::cells(b, cells_);
        emitter_.update(cells_);
        add_wallet(p.id, WalletType::PayoutCredit, offer, p.currency, b.id,
                   WalletStatus::Completed);
        commit_tx();
        p.balance += offer;
        b.credited_minor += offer;
        return true;
    }
    return false;
}

bool BettingSimulator::renumber_leg() {
    if (recent_accas_.empty()) return false;
    Bet& b = state_.bet(recent_accas_[rng_.below(recent_accas_.size())]);
    BetLeg& leg = b.legs.back();
    OltpState::cells(b, leg, cells_);
    int32_t max_no = 0;
    for (const auto& l : b.legs) max_no = std::max(max_no, l.leg_no);
    leg.leg_no = max_no + 10;  // a back-office tool renumbers the leg: an UPDATE of the primary key
    OltpState::cells(b, leg, cells2_);
    begin_tx();
    emitter_.primary_key_update(cells_, cells2_);
    commit_tx();
    return true;
}

bool BettingSimulator::delete_staging_row() {
    for (size_t i = state_.odds_staging_first_live; i < state_.odds_staging.size(); ++i) {
        OddsStagingRow& r = state_.odds_staging[i];
        if (r.deleted) continue;
        r.deleted = true;
        --staging_live_;
        OltpState::cells(r, cells_);
        begin_tx();
        emitter_.remove(cells_);
        commit_tx();
        return true;
    }
    return false;
}

bool BettingSimulator::purge_failed_wallet_tx() {
    while (!failed_wallet_.empty()) {
        WalletTx& w = state_.wallet_tx(failed_wallet_.back());
        failed_wallet_.pop_back();
        if (w.deleted || w.status != WalletStatus::Failed) continue;
        w.deleted = true;
        OltpState::cells(w, cells_);
        begin_tx();
        emitter_.remove(cells_);
        commit_tx();
        return true;
    }
    return false;
}

// ---- scheduled tasks ------------------------------------------------------------------

bool BettingSimulator::event_start(int64_t event_id) {
    Event& e = *state_.event(event_id);
    if (e.status != EventStatus::Scheduled) return false;
    begin_tx();
    if (rng_.chance(0.01)) {
        CatalogueBuilder::cancel_event(state_, e);
        OltpState::cells(e, cells_);
        emitter_.update(cells_);
        for (int64_t mid = e.first_market; mid < e.first_market + e.market_count; ++mid) {
            const Market& m = state_.markets[mid - 1];
            OltpState::cells(m, cells_);
            emitter_.update(cells_);
            for (int64_t k = 0; k < m.selection_count; ++k) {
                OltpState::cells(state_.selections[m.first_selection - 1 + k], cells_);
                emitter_.update(cells_);
            }
        }
        commit_tx();
        for (size_t i = 0; i < e.bets.size(); ++i)
            schedule(now_us_ + 30 * kMicrosPerSecond + static_cast<int64_t>(i) * 200'000,
                     TaskKind::SettleBet, e.bets[i]);
        schedule(now_us_ + (1 + static_cast<int64_t>(rng_.below(20))) * kMinute, TaskKind::NewEvent,
                 e.slot);
        return true;
    }
    e.status = EventStatus::Live;
    OltpState::cells(e, cells_);
    emitter_.update(cells_);
    commit_tx();
    return true;
}

bool BettingSimulator::event_finish(int64_t event_id) {
    Event& e = *state_.event(event_id);
    if (e.status != EventStatus::Live) return false;
    CatalogueBuilder::result_event(state_, rng_, e);
    begin_tx();
    OltpState::cells(e, cells_);
    emitter_.update(cells_);
    for (int64_t mid = e.first_market; mid < e.first_market + e.market_count; ++mid) {
        const Market& m = state_.markets[mid - 1];
        OltpState::cells(m, cells_);
        emitter_.update(cells_);
        for (int64_t k = 0; k < m.selection_count; ++k) {
            OltpState::cells(state_.selections[m.first_selection - 1 + k], cells_);
            emitter_.update(cells_);
        }
    }
    commit_tx();
    for (size_t i = 0; i < e.bets.size(); ++i)
        schedule(now_us_ + 20 * kMicrosPerSecond + static_cast<int64_t>(i) * 200'000,
                 TaskKind::SettleBet, e.bets[i]);
    if (recent_finished_.size() >= 64) recent_finished_.erase(recent_finished_.begin());
    recent_finished_.push_back(e.id);
    if (e.market_count > 1 && rng_.chance(0.05)) {
        // Most corrections come within hours (VAR, data-feed fix); some after next-day review.
        int64_t delay = rng_.chance(0.7)
                            ? 20 * kMinute + static_cast<int64_t>(rng_.below(160)) * kMinute
                            : 12 * kHour + static_cast<int64_t>(rng_.below(18 * 60)) * kMinute;
        schedule(now_us_ + delay, TaskKind::Correction, e.id);
    }
    schedule(now_us_ + (1 + static_cast<int64_t>(rng_.below(20))) * kMinute, TaskKind::NewEvent,
             e.slot);
    return true;
}

bool BettingSimulator::settle_bet(int64_t bet_id) {
    Bet& b = state_.bet(bet_id);
    if (b.status != BetStatus::Open) return false;
    std::vector<size_t> changed;
    size_t open = refresh_legs(b, changed);
    bool forced = false;
    if (open > 0) {
        bool planned =
            b.planned_anomaly == static_cast<uint8_t>(AnomalyKind::SettledWithOpenLeg) + 1;
        if (!planned || open == b.legs.size()) {
            // Not settleable yet; keep the leg results we learnt for later.
            if (changed.empty()) return false;
            begin_tx();
            for (size_t i : changed) {
                OltpState::cells(b, b.legs[i], cells_);
                emitter_.update(cells_);
            }
            commit_tx();
            return true;
        }
        forced = true;
    }
    auto [credit, credit_type] = settle_outcome(b, forced);
    b.has_payout = true;
    b.settled_at = now_us_;
    bool skip_credit =
        b.status == BetStatus::Won &&
        b.planned_anomaly == static_cast<uint8_t>(AnomalyKind::PayoutWithoutCredit) + 1;
    Player& p = state_.player(b.player_id);
    begin_tx();
    for (size_t i : changed) {
        OltpState::cells(b, b.legs[i], cells_);
        emitter_.update(cells_);
    }
    OltpState::cells(b, cells_);
    emitter_.update(cells_);
    if (credit > 0 && !skip_credit) {
        add_wallet(p.id, credit_type, credit, p.currency, b.id, WalletStatus::Completed);
        p.balance += credit;
        b.credited_minor += credit;
    }
    commit_tx();
    if (forced) {
        injector_.record(AnomalyKind::SettledWithOpenLeg, "bets", bet_key(b.id), now_us_);
        taint(p.id);
    }
    if (skip_credit && credit > 0) {
        injector_.record(AnomalyKind::PayoutWithoutCredit, "bets", bet_key(b.id), now_us_);
        taint(p.id);
    }
    return true;
}

std::pair<int64_t, WalletType> BettingSimulator::settle_outcome(Bet& b, bool forced_loss) {
    bool lost = forced_loss || std::any_of(b.legs.begin(), b.legs.end(), [](const BetLeg& l) {
                    return l.result == Outcome::Lose;
                });
    bool all_void = !lost && std::all_of(b.legs.begin(), b.legs.end(),
                                         [](const BetLeg& l) { return l.result == Outcome::Void; });
    if (lost) {
        b.status = BetStatus::Lost;
        b.payout_minor = 0;
        return {0, WalletType::PayoutCredit};
    }
    if (all_void) {
        b.status = BetStatus::Void;
        b.payout_minor = 0;
        return {b.stake_minor, WalletType::Refund};
    }
    std::vector<int64_t> dh;
    for (const auto& l : b.legs) {
        const Selection* s = state_.selection(l.selection_id);
        dh.push_back(s ? s->dead_heat_e4 : 0);
    }
    b.status = BetStatus::Won;
    b.payout_minor =
        PayoutCalculator::apply(b.stake_minor, PayoutCalculator::effective_odds_e4(b.legs, dh));
    return {b.payout_minor, WalletType::PayoutCredit};
}

bool BettingSimulator::resettle_bet(int64_t bet_id) {
    Bet& b = state_.bet(bet_id);
    if (b.status != BetStatus::Won && b.status != BetStatus::Lost && b.status != BetStatus::Void)
        return false;
    if (b.planned_anomaly != 0) return false;  // keep injected rows as they are
    std::vector<size_t> changed;
    if (refresh_legs(b, changed) > 0 || changed.empty()) return false;
    auto [target, type] = settle_outcome(b, false);
    b.settled_at = now_us_;
    Player& p = state_.player(b.player_id);
    begin_tx();
    for (size_t i : changed) {
        OltpState::cells(b, b.legs[i], cells_);
        emitter_.update(cells_);
    }
    OltpState::cells(b, cells_);
    emitter_.update(cells_);
    if (b.credited_minor != target) {
        // Reverse what was credited, then apply the new outcome: the ledger stays append-only.
        if (b.credited_minor != 0)
            add_wallet(p.id, WalletType::Adjustment, -b.credited_minor, p.currency, b.id,
                       WalletStatus::Completed);
        if (target > 0) add_wallet(p.id, type, target, p.currency, b.id, WalletStatus::Completed);
        p.balance += target - b.credited_minor;
        if (p.balance < 0) p.negative_after_resettlement = true;
        b.credited_minor = target;
    }
    commit_tx();
    return true;
}

bool BettingSimulator::correct_event(int64_t event_id) {
    Event& e = *state_.event(event_id);
    const int goals_home = e.goals_home, goals_away = e.goals_away;
    const std::string result = e.result;
    std::vector<int64_t> changed;
    if (!CatalogueBuilder::correct_event(state_, e, changed)) return false;
    if (changed.empty()) {
        // No selection's result moves, so no correction is committed: the score stays as the
        // OLTP holds it (the state must equal what was written; found by the ChangeSink test).
        e.goals_home = goals_home;
        e.goals_away = goals_away;
        e.result = result;
        return false;
    }
    begin_tx();
    OltpState::cells(e, cells_);
    emitter_.update(cells_);
    for (int64_t sid : changed) {
        OltpState::cells(state_.selections[sid - 1], cells_);
        emitter_.update(cells_);
    }
    commit_tx();
    for (size_t i = 0; i < e.bets.size(); ++i)
        schedule(now_us_ + kMinute + static_cast<int64_t>(i) * 300'000, TaskKind::Resettle,
                 e.bets[i]);
    return true;
}

bool BettingSimulator::new_event(int64_t slot) {
    int64_t start_at = now_us_ + 30 * kMinute + static_cast<int64_t>(rng_.below(30 * 60)) * kMinute;
    int64_t id =
        CatalogueBuilder::create_event(state_, rng_, static_cast<uint32_t>(slot), start_at);
    slot_event_[static_cast<size_t>(slot)] = id;
    Event& e = *state_.event(id);
    begin_tx();
    OltpState::cells(e, cells_);
    emitter_.create(cells_);
    for (int64_t mid = e.first_market; mid < e.first_market + e.market_count; ++mid) {
        const Market& m = state_.markets[mid - 1];
        OltpState::cells(m, cells_);
        emitter_.create(cells_);
        for (int64_t k = 0; k < m.selection_count; ++k) {
            OltpState::cells(state_.selections[m.first_selection - 1 + k], cells_);
            emitter_.create(cells_);
        }
    }
    commit_tx();
    schedule(start_at, TaskKind::EventStart, id);
    schedule(start_at + CatalogueBuilder::duration_us(e), TaskKind::EventFinish, id);
    return true;
}

bool BettingSimulator::deposit_done(int64_t wallet_id) {
    WalletTx& w = state_.wallet_tx(wallet_id);
    if (w.status != WalletStatus::Pending || w.deleted) return false;
    Player& p = state_.player(w.player_id);
    if (rng_.chance(0.94)) {
        w.status = WalletStatus::Completed;
        p.balance += w.amount_minor;
        if (rng_.chance(0.01))
            schedule(now_us_ + kHour + static_cast<int64_t>(rng_.below(20 * 60)) * kMinute,
                     TaskKind::Chargeback, w.id);
    } else {
        w.status = WalletStatus::Failed;
        failed_wallet_.push_back(w.id);
    }
    begin_tx();
    OltpState::cells(w, cells_);
    emitter_.update(cells_);
    commit_tx();
    return true;
}

bool BettingSimulator::withdrawal_done(int64_t wallet_id) {
    WalletTx& w = state_.wallet_tx(wallet_id);
    if (w.status != WalletStatus::Pending || w.deleted) return false;
    if (rng_.chance(0.9)) {
        w.status = WalletStatus::Completed;
    } else {
        w.status = WalletStatus::Failed;
        state_.player(w.player_id).balance -= w.amount_minor;  // the reservation is released
        failed_wallet_.push_back(w.id);
    }
    begin_tx();
    OltpState::cells(w, cells_);
    emitter_.update(cells_);
    commit_tx();
    return true;
}

bool BettingSimulator::chargeback(int64_t wallet_id) {
    WalletTx& w = state_.wallet_tx(wallet_id);
    Player& p = state_.player(w.player_id);
    if (w.status != WalletStatus::Completed || w.deleted || p.balance < w.amount_minor)
        return false;
    w.status = WalletStatus::Reversed;
    p.balance -= w.amount_minor;
    begin_tx();
    OltpState::cells(w, cells_);
    emitter_.update(cells_);
    commit_tx();
    return true;
}

bool BettingSimulator::fx_day(int64_t day) {
    begin_tx();
    for (uint8_t c = 0; c < kCurrencies.size(); ++c) {
        int64_t prev = kCurrencies[c].eur_rate_e10;
        for (auto it = state_.fx_rates.rbegin(); it != state_.fx_rates.rend(); ++it)
            if (it->currency == c) {
                prev = it->rate_e10;
                break;
            }
        int64_t rate =
            prev + static_cast<int64_t>(static_cast<double>(prev) * (rng_.uniform() - 0.5) * 0.01);
        state_.fx_rates.push_back(FxRate{c, day, rate});
        OltpState::cells(state_.fx_rates.back(), cells_);
        emitter_.create(cells_);
    }
    commit_tx();
    schedule((day + 1) * kMicrosPerDay, TaskKind::FxDay, day + 1);
    return true;
}

bool BettingSimulator::truncate_staging() {
    truncate_pending_ = false;
    begin_tx();
    emitter_.truncate(TableId::OddsStaging);
    commit_tx();
    state_.odds_staging_first_live = state_.odds_staging.size();
    staging_live_ = 0;
    return true;
}

GroundTruth BettingSimulator::ground_truth() const {
    GroundTruth g;
    g.config = config_;
    g.compute_from(state_);
    g.anomalies = injector_.anomalies();
    g.log_offset = static_cast<int64_t>(records_emitted());
    g.records_emitted = records_emitted();
    g.change_events_emitted = change_events_emitted();
    g.redelivered_change_events = emitter_.redelivered_change_events();
    append_timestamp(g.sim_time, now_us_);
    return g;
}

}  // namespace tote

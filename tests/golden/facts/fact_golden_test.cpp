// Golden tests of fact building: every tests/golden/facts/X.jsonl (Debezium records shaped as the
// simulator emits them) runs through decode -> TransactionAssembler -> FactBuilder, each emitted
// fact version also through kpi_contributions(previous version, this version), and everything
// emitted (dimension rows, legs, wallet rows, bets, ETL log, KPI rows), step by step, is rendered
// as stable text and compared with X.expected.txt. TOTE_UPDATE_GOLDEN=1 rewrites the expected
// files instead: review the diff by hand (README.md says what each scenario must show).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "decode/debezium_json_decoder.h"
#include "model/mapping_file.h"
#include "model/time_text.h"
#include "sink/fact_writer.h"
#include "source/jsonl_record_reader.h"
#include "transform/facts/fact_builder.h"
#include "transform/facts/kpi_contributions.h"
#include "transform/transaction/transaction_assembler.h"

namespace tote::facts {
namespace {

namespace fs = std::filesystem;

// Far above the scenarios' lengths: nothing is finalised by the watermark before the end of
// the input, where the log is advanced past it (the final "advance" step).
constexpr int64_t kWatermark = 1000;

// A packed version (src/core/source_position.h) as <position>.<rank>: 1 a snapshot read, 4 a
// change at its commit position, 5.. a verdict re-emitted without new input. Readable, and
// ordered like the number.
std::string version(uint64_t v) {
    return std::to_string(version_position(v)) + "." + std::to_string(v & 7);
}

std::string time_text(int64_t us) {
    return us == 0 ? std::string("-") : model::TimeText::format_micros(us);
}

std::string list(const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + v[i];
    return s + "]";
}

std::string opt(const std::optional<std::string>& v) {
    return v ? *v : std::string("NULL");
}
std::string opt(const std::optional<int64_t>& v) {
    return v ? std::to_string(*v) : std::string("NULL");
}

template <class T>
std::string dim_head(const char* table, const std::string& key, const DimRow<T>& r) {
    return std::string(table) + " " + key + " v=" + version(r.version) +
           " off=" + std::to_string(r.log_offset) + (r.deleted ? " DELETED" : "");
}

class Renderer {
public:
    void step(const std::string& title, const FactBatch& b) {
        out_ += "== " + title + "\n";
        const auto& d = b.dims;
        for (const auto& r : d.sports)
            line(dim_head("dim_sport", std::to_string(r.row.id), r) + " name=" + r.row.name);
        for (const auto& r : d.competitions)
            line(dim_head("dim_competition", std::to_string(r.row.id), r) +
                 " sport=" + std::to_string(r.row.sport_id) + " name=" + r.row.name +
                 " country=" + opt(r.row.country));
        for (const auto& r : d.events)
            line(dim_head("dim_event", std::to_string(r.row.id), r) +
                 " competition=" + std::to_string(r.row.competition_id) + " " + r.row.home + " v " +
                 r.row.away + " start=" + time_text(r.row.start_at_us) + " status=" +
                 std::string(model::to_text(r.row.status)) + " result=" + opt(r.row.result));
        for (const auto& r : d.markets)
            line(dim_head("dim_market", std::to_string(r.row.id), r) +
                 " event=" + std::to_string(r.row.event_id) + " type=" + r.row.type + " line_e2=" +
                 opt(r.row.line_e2) + " status=" + std::string(model::to_text(r.row.status)));
        for (const auto& r : d.selections)
            line(dim_head("dim_selection", std::to_string(r.row.id), r) +
                 " market=" + std::to_string(r.row.market_id) + " name=" + r.row.name +
                 " odds_e4=" + std::to_string(r.row.odds_e4) +
                 " result=" + (r.row.result ? std::string(model::to_text(*r.row.result)) : "NULL") +
                 " dead_heat_e4=" + opt(r.row.dead_heat_factor_e4));
        for (const auto& r : d.players)
            line(dim_head("dim_player", std::to_string(r.row.id), r) + " country=" + r.row.country +
                 " currency=" + r.row.currency +
                 " channel=" + std::string(model::to_text(r.row.channel)) +
                 " status=" + std::string(model::to_text(r.row.status)));
        for (const auto& r : d.fx_rates)
            line(dim_head("dim_fx_rate", r.row.currency + "/" + std::to_string(r.row.day), r) +
                 " rate_e10=" + std::to_string(r.row.rate_e10));
        for (const auto& l : b.legs)
            line("leg " + std::to_string(l.bet_id) + "/" + std::to_string(l.leg_no) +
                 " v=" + version(l.version) + " off=" + std::to_string(l.log_offset) +
                 " selection=" + std::to_string(l.selection_id) +
                 " market=" + std::to_string(l.market_id) + " event=" + std::to_string(l.event_id) +
                 " sport=" + l.sport + " competition=" + l.competition + " type=" + l.market_type +
                 " odds_e4=" + std::to_string(l.odds_taken_e4) + " result=" + l.result + " live=" +
                 std::to_string(l.live_at_placement) + " inferred=" + std::to_string(l.inferred) +
                 " deleted=" + std::to_string(l.deleted));
        for (const auto& w : b.wallet) {
            line("wallet " + std::to_string(w.id) + " v=" + version(w.version) +
                 " off=" + std::to_string(w.log_offset) + " " + w.type + " " + w.status + " " +
                 w.currency + " amount=" + std::to_string(w.amount_minor) +
                 " eur_cents=" + std::to_string(w.amount_eur_cents) +
                 " bet=" + std::to_string(w.bet_id) + " player=" + std::to_string(w.player_id) +
                 " country=" + w.player_country + " created=" + time_text(w.created_at_us) +
                 " deleted=" + std::to_string(w.deleted) + " " +
                 std::string(FactWriter::validation_name(w.validation)) + " " +
                 list(w.violated_rules));
            auto it = wallet_.find(w.id);
            kpis(kpi_contributions(it == wallet_.end() ? nullptr : &it->second, w));
            wallet_[w.id] = w;
        }
        for (const auto& f : b.bets) {
            line("bet " + std::to_string(f.bet_id) + " v=" + version(f.version) +
                 " off=" + std::to_string(f.log_offset) + " " + f.status + " " +
                 std::string(FactWriter::validation_name(f.validation)) + " " +
                 list(f.violated_rules) + " player=" + std::to_string(f.player_id) + "/" +
                 f.player_country + "/" + f.player_channel + "/" + f.wallet_currency +
                 (f.player_inferred ? " player_inferred" : "") + " " + f.channel + " " +
                 f.bet_type + " " + f.currency + " stake=" + std::to_string(f.stake_minor) +
                 " potential=" + std::to_string(f.potential_payout_minor) + " payout=" +
                 std::to_string(f.payout_minor) + " ggr=" + std::to_string(f.ggr_minor) +
                 " eur_cents(stake=" + std::to_string(f.stake_eur_cents) +
                 " potential=" + std::to_string(f.potential_payout_eur_cents) + " payout=" +
                 std::to_string(f.payout_eur_cents) + ") fx_e10=" + std::to_string(f.fx_rate_e10) +
                 " odds_e4=" + std::to_string(f.total_odds_e4) + " legs=" + std::to_string(f.legs) +
                 " sports=" + list(f.sports) + " competitions=" + list(f.competitions) + " live=" +
                 std::to_string(f.live) + (f.dimensions_inferred ? " dimensions_inferred" : "") +
                 " placed=" + time_text(f.placed_at_us) + " settled=" + time_text(f.settled_at_us));
            auto it = bets_.find(f.bet_id);
            kpis(kpi_contributions(it == bets_.end() ? nullptr : &it->second, f));
            bets_[f.bet_id] = f;
        }
        for (const auto& e : b.log)
            line("etl_log " + e.rule + " " + e.severity + " " + e.entity + " " + e.entity_key +
                 " v=" + version(e.version) + " off=" + std::to_string(e.log_offset) + " \"" +
                 e.details + "\"");
    }
    const std::string& text() const { return out_; }

private:
    void line(const std::string& s) { out_ += s + "\n"; }
    void kpis(const std::vector<KpiContribution>& rows) {
        for (const auto& k : rows) {
            std::string s = std::string("kpi ") + (k.sign > 0 ? "+1" : "-1") + " " + k.fact + " " +
                            k.fact_key + " v=" + version(k.fact_version) +
                            " hour=" + time_text(k.hour_s * 1000000) + " " + k.country + "/" +
                            k.currency + "/" + k.sport + "/" + k.channel;
            auto add = [&](const char* name, int64_t v) {
                if (v != 0) s += std::string(" ") + name + "=" + std::to_string(v);
            };
            add("turnover", k.turnover_minor);
            add("settled_turnover", k.settled_turnover_minor);
            add("payouts", k.payouts_minor);
            add("ggr", k.ggr_minor);
            add("bets", static_cast<int64_t>(k.bets));
            add("deposits", k.deposits_minor);
            add("withdrawals", k.withdrawals_minor);
            add("open_liability", k.open_liability_minor);
            add("turnover_eur", k.turnover_eur_cents);
            add("settled_turnover_eur", k.settled_turnover_eur_cents);
            add("payouts_eur", k.payouts_eur_cents);
            add("ggr_eur", k.ggr_eur_cents);
            add("deposits_eur", k.deposits_eur_cents);
            add("withdrawals_eur", k.withdrawals_eur_cents);
            add("open_liability_eur", k.open_liability_eur_cents);
            line(s);
        }
    }

    std::string out_;
    std::map<int64_t, FactBet> bets_;
    std::map<int64_t, FactWalletTransaction> wallet_;
};

std::string unit_title(const CompleteTransaction& u) {
    std::string s = u.snapshot ? "snapshot read" : "transaction " + std::to_string(u.tx_id);
    s += " offsets " + std::to_string(u.first_offset) + ".." + std::to_string(u.last_offset) +
         ", " + std::to_string(u.changes.size()) + " change(s)";
    if (!u.complete) s += ", INCOMPLETE";
    return s;
}

// Runs the inputs, in order, as one stream; also returns the concatenated batch for the replay
// check. `renumber`: the records' offsets become their position in the stream (several capture
// files read as one ordered topic, as tote requires); else each keeps its own.
std::string run(const std::vector<fs::path>& inputs, const model::BettingMapping& mapping,
                bool renumber, FactBatch* all = nullptr, DebeziumDecoderConfig decoding = {}) {
    DebeziumJsonDecoder decoder(std::move(decoding));
    TransactionAssembler assembler;
    FactBuilder builder(mapping, FactBuilderConfig{kWatermark});
    Renderer r;
    std::string error;
    LogRecord rec;
    int64_t end = 0;
    CompleteTransaction unit;
    IncompleteTransaction report;
    auto append = [&](const FactBatch& b) {
        if (!all) return;
        all->bets.insert(all->bets.end(), b.bets.begin(), b.bets.end());
        all->legs.insert(all->legs.end(), b.legs.begin(), b.legs.end());
        all->wallet.insert(all->wallet.end(), b.wallet.begin(), b.wallet.end());
        all->log.insert(all->log.end(), b.log.begin(), b.log.end());
        auto cat = [](auto& a, const auto& x) { a.insert(a.end(), x.begin(), x.end()); };
        cat(all->dims.players, b.dims.players);
        cat(all->dims.sports, b.dims.sports);
        cat(all->dims.competitions, b.dims.competitions);
        cat(all->dims.events, b.dims.events);
        cat(all->dims.markets, b.dims.markets);
        cat(all->dims.selections, b.dims.selections);
        cat(all->dims.fx_rates, b.dims.fx_rates);
    };
    auto drain = [&] {
        while (assembler.pop(unit)) {
            FactBatch b;
            builder.add(unit, b);
            r.step(unit_title(unit), b);
            append(b);
        }
        while (assembler.pop_report(report)) {
        }
    };
    int64_t next = 0;
    for (const auto& input : inputs) {
        JsonlRecordReader reader(input.string());
        for (;;) {
            auto st = reader.next(rec, error);
            if (st == JsonlRecordReader::Status::End) break;
            EXPECT_EQ(st, JsonlRecordReader::Status::Record) << input << ": " << error;
            if (st != JsonlRecordReader::Status::Record) continue;
            if (renumber) rec.offset = Offset{next++};
            end = rec.offset.value + 1;
            assembler.add(decoder.decode(rec), rec.offset);
            drain();
        }
    }
    assembler.release_all("end of the golden input");
    drain();
    FactBatch last;
    builder.advance(end + kWatermark, last);
    r.step("advance to offset " + std::to_string(end + kWatermark) + " (the watermark passes)",
           last);
    append(last);
    EXPECT_EQ(builder.pending_facts(), 0u) << inputs.front();
    return r.text();
}

std::string run(const fs::path& input, FactBatch* all = nullptr) {
    return run({input}, model::MappingFile::builtin_simulator().mapping(), false, all);
}

std::vector<fs::path> inputs() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(TOTE_GOLDEN_FACTS_DIR)))
        if (e.path().extension() == ".jsonl") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(GoldenFacts, EveryScenarioBuildsTheExpectedRows) {
    const char* update = std::getenv("TOTE_UPDATE_GOLDEN");
    const bool rewrite = update && std::string(update) == "1";
    auto files = inputs();
    ASSERT_EQ(files.size(), 4u);
    for (const auto& input : files) {
        fs::path expected = input;
        expected.replace_extension(".expected.txt");
        std::string got = run(input);
        if (rewrite) {
            std::ofstream(expected) << got;
            continue;
        }
        ASSERT_TRUE(fs::exists(expected)) << expected << " missing: run with TOTE_UPDATE_GOLDEN=1";
        EXPECT_EQ(got, read_file(expected)) << "for " << input.filename();
    }
}

// A replay of the same input into fresh state emits identical rows (dimension rows included).
TEST(GoldenFacts, ReplayEmitsIdenticalRows) {
    for (const auto& input : inputs()) {
        FactBatch a, b;
        EXPECT_EQ(run(input, &a), run(input, &b));
        EXPECT_EQ(a.bets, b.bets) << input;
        EXPECT_EQ(a.dims, b.dims) << input;
        EXPECT_FALSE(a.dims.empty()) << input;
    }
}

// The real captures (tests/golden/debezium, Debezium 3.7 on PostgreSQL 15, in the order they
// were taken on one database) read as one ordered stream through mappings/real_debezium.yaml:
// a second schema, by mapping file only. Double-mode and schema-less precise decimals are left
// out (the decoder dead-letters them before any fact), and so are the two other encodings of the
// same changes (d_decimal_precise, e_schemas_enable_false).
TEST(GoldenFacts, RealCapturesThroughTheirMappingFile) {
    const fs::path captures = fs::path(TOTE_GOLDEN_FACTS_DIR) / ".." / "debezium";
    std::vector<fs::path> inputs;
    for (const char* name :
         {"a_snapshot", "b_single_row", "b2_pk_update", "c_transaction", "e_schemas_enable_true",
          "f_truncate", "f_truncate_default", "g_toast_replica_identity_default",
          "g_toast_replica_identity_full", "h_schema_evolution"})
        inputs.push_back(captures / (std::string(name) + ".jsonl"));
    const auto mapping = model::MappingFile::load(fs::path(TOTE_GOLDEN_FACTS_DIR) / ".." / ".." /
                                                  ".." / "mappings" / "real_debezium.yaml");
    FactBatch all;
    const std::string got = run(inputs, mapping.mapping(), true, &all);
    const fs::path expected =
        fs::path(TOTE_GOLDEN_FACTS_DIR) / "real_debezium" / "real_captures.expected.txt";
    const char* update = std::getenv("TOTE_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        fs::create_directories(expected.parent_path());
        std::ofstream(expected) << got;
    } else {
        EXPECT_EQ(got, read_file(expected));
    }
    // Facts of every kind, and not one change the mapping could not map.
    EXPECT_FALSE(all.bets.empty());
    EXPECT_FALSE(all.legs.empty());
    EXPECT_FALSE(all.wallet.empty());
    for (const auto& e : all.log) EXPECT_NE(e.rule, "mapping_error") << e.details;
    EXPECT_EQ(got.find("mapping_error"), std::string::npos);
    EXPECT_NE(got.find("\nkpi +1 bet"), std::string::npos);
}

// The MariaDB captures (tests/golden/mariadb: MariaDB 10.11 -> Debezium MariaDB connector 3.5.0,
// snapshot, placements, a settlement, deletes, a key update, DDL, a truncate) through
// mappings/mariadb.yaml with database `cap` as the source schema: TINYINT codes, DECIMAL major
// units and DATETIME micros become facts by the mapping file alone.
TEST(GoldenFacts, MariaDbCaptureThroughItsMappingFile) {
    const fs::path root = fs::path(TOTE_GOLDEN_FACTS_DIR) / ".." / ".." / "..";
    const auto mapping = model::MappingFile::load(root / "mappings" / "mariadb.yaml");
    DebeziumDecoderConfig decoding;
    decoding.default_schema = "cap";
    FactBatch all;
    const std::string got = run({root / "tests" / "golden" / "mariadb" / "mariadb_capture.jsonl"},
                                mapping.mapping(), false, &all, decoding);
    const fs::path expected =
        fs::path(TOTE_GOLDEN_FACTS_DIR) / "mariadb" / "mariadb_capture.expected.txt";
    const char* update = std::getenv("TOTE_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        fs::create_directories(expected.parent_path());
        std::ofstream(expected) << got;
    } else {
        EXPECT_EQ(got, read_file(expected));
    }
    ASSERT_EQ(all.wallet.size(), 5u + 0u);  // 2 deposits (snapshot), 2 stake debits, 1 payout
    EXPECT_FALSE(all.bets.empty());
    EXPECT_FALSE(all.legs.empty());
    for (const auto& e : all.log) EXPECT_NE(e.rule, "mapping_error") << e.details;
    EXPECT_EQ(got.find("mapping_error"), std::string::npos);
    EXPECT_NE(got.find("\nkpi +1 bet"), std::string::npos);
}

}  // namespace
}  // namespace tote::facts

// Decode throughput on one core: the schemas-off Debezium envelope of the bets table captured
// in tests/golden/debezium/e_schemas_enable_false.jsonl (679 bytes), decoded N times, first
// with the default configuration (precise decimals stay base64 text), then with the decimal
// scales configured (base64 decoded into exact decimals); then the schemas-on bets record of
// tests/golden/debezium/e_schemas_enable_true.jsonl (the value schema read once per distinct
// schema text, docs/decoding.md "Column types"). Usage: decode_bench [N=1000000] [CAPTURE].
// Prints events/s; a figure for docs/benchmarks.md, never a test.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "decode/debezium_json_decoder.h"
#include "source/jsonl_record_reader.h"

namespace {

double run(tote::DebeziumJsonDecoder& decoder, const tote::LogRecord& r, long n) {
    size_t changes = 0;
    auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < n; ++i)
        changes += std::holds_alternative<tote::ChangeEvent>(decoder.decode(r));
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (changes != static_cast<size_t>(n)) {
        std::fprintf(stderr, "decode_bench: only %zu of %ld records decoded to change events\n",
                     changes, n);
        std::exit(1);
    }
    return secs;
}

}  // namespace

int main(int argc, char** argv) {
    const long n = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    tote::LogRecord r;
    r.topic = "tote_nos.public.bets";
    r.key = R"({"id":8})";
    r.value =
        R"({"before":null,"after":{"id":8,"player_id":5,"stake":"Awk=","total_odds":"eRg=","status":"open","payout":null,"placed_at":"2026-05-01T08:01:00.000000Z","settled_at":null,"note":"e: schemas"},"source":{"version":"3.7.0.Final","connector":"postgresql","name":"tote_nos","ts_ms":1795601094288,"snapshot":"false","db":"sportsbook","sequence":"[null,\"26477704\"]","ts_us":1795601094288244,"ts_ns":1795601094288244000,"schema":"public","table":"bets","txId":752,"lsn":26477704,"xmin":null,"origin":null,"origin_lsn":null},"transaction":{"id":"752:26477704","total_order":2,"data_collection_order":1},"op":"c","ts_ms":1795601094542,"ts_us":1795601094542844,"ts_ns":1795601094542844219})";

    tote::DebeziumJsonDecoder plain;
    tote::DebeziumDecoderConfig config;
    config.decimal_scales = {{"bets.stake", 2}, {"bets.payout", 2}, {"bets.total_odds", 4}};
    tote::DebeziumJsonDecoder scaled(config);
    run(plain, r, n / 10 + 1);  // warm up
    for (auto* which : {&plain, &scaled}) {
        double secs = run(*which, r, n);
        std::printf(
            "%-32s %ld envelopes of %zu bytes in %.3f s: %.0f events/s (%.0f MB/s)\n",
            which == &plain ? "schemas off, default config:" : "schemas off, decimal_scales set:",
            n, r.value->size(), secs, static_cast<double>(n) / secs,
            static_cast<double>(n) * static_cast<double>(r.value->size()) / secs / 1e6);
    }

    // Schemas on: the same change with its value schema (5 kB).
    const std::string capture =
        argc > 2 ? argv[2] : TOTE_GOLDEN_DIR "/debezium/e_schemas_enable_true.jsonl";
    tote::JsonlRecordReader reader(capture);
    tote::LogRecord on;
    std::string error;
    while (reader.next(on, error) == tote::JsonlRecordReader::Status::Record)
        if (on.topic == "tote.public.bets" && on.value) break;
    if (on.topic != "tote.public.bets" || !on.value) {
        std::fprintf(stderr, "decode_bench: no bets record in %s\n", capture.c_str());
        return 1;
    }
    tote::DebeziumJsonDecoder with_schema;
    run(with_schema, on, n / 10 + 1);
    double secs = run(with_schema, on, n);
    std::printf("%-32s %ld envelopes of %zu bytes in %.3f s: %.0f events/s (%.0f MB/s)\n",
                "schemas on, default config:", n, on.value->size(), secs,
                static_cast<double>(n) / secs,
                static_cast<double>(n) * static_cast<double>(on.value->size()) / secs / 1e6);
    return 0;
}

// Any bytes must decode to a result (usually a DecodeFailure), never a crash or an exception,
// and the same result whatever the decoder decoded before (its schema cache).
#include "decode/debezium_json_decoder.h"
#include "decode/declared_type_decoder.h"
#include "decode/decode_result_format.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static tote::DebeziumJsonDecoder plain;
    static tote::DebeziumJsonDecoder configured([] {
        tote::DebeziumDecoderConfig c;
        c.money_columns = {"bets.stake", "bets.payout"};
        c.decimal_scales = {{"bets.total_odds", 4}, {"bets.stake", 2}};
        return c;
    }());
    // Declared types for schema-less messages (the mapping file's source_types), both modes.
    static auto declared = [] {
        std::vector<tote::DeclaredColumn> d;
        for (const auto& [c, t] : {std::pair{"id", "int64"},
                                   {"player_id", "int16"},
                                   {"stake", "decimal(18,2)"},
                                   {"total_odds", "decimal(10,4)"},
                                   {"status", "string"},
                                   {"payout", "numeric(5,1)"},
                                   {"won", "boolean"},
                                   {"odds", "float64"},
                                   {"raw", "bytes"}})
            d.push_back({"bets", c, *tote::parse_source_type(t), "fuzz"});
        return d;
    }();
    static tote::DeclaredTypeDecoder typed_string(std::make_unique<tote::DebeziumJsonDecoder>(),
                                                  declared, tote::DecimalMode::String);
    static tote::DeclaredTypeDecoder typed_precise(std::make_unique<tote::DebeziumJsonDecoder>(),
                                                   declared, tote::DecimalMode::Precise);
    auto record = tote::fuzz::make_record(data, size, "tote.public.bets", "tote.transaction");
    auto a = plain.decode(record);
    auto b = configured.decode(record);
    volatile size_t m = tote::format_decode_result(typed_string.decode(record)).size() +
                        tote::format_decode_result(typed_precise.decode(record)).size();
    (void)m;
    // Formatting walks every value (decimals, doubles, strings).
    const std::string text = tote::format_decode_result(a);
    volatile size_t n = text.size() + tote::format_decode_result(b).size();
    (void)n;
    // `plain` keeps the value schemas it has read (docs/decoding.md, "Column types"): a decoder
    // that has seen nothing must give the same outcome.
    tote::DebeziumJsonDecoder fresh;
    if (tote::format_decode_result(fresh.decode(record)) != text) __builtin_trap();
    return 0;
}

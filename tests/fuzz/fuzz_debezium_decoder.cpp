// Any bytes must decode to a result (usually a DecodeFailure), never a crash or an exception,
// and the same result whatever the decoder decoded before (its schema cache).
#include "decode/debezium_json_decoder.h"
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
    auto record = tote::fuzz::make_record(data, size, "tote.public.bets", "tote.transaction");
    auto a = plain.decode(record);
    auto b = configured.decode(record);
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

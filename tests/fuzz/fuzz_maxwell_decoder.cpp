// Any bytes must decode to a result (usually a DecodeFailure), never a crash or an exception.
#include "decode/decode_result_format.h"
#include "decode/maxwell_json_decoder.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static tote::MaxwellJsonDecoder decoder([] {
        tote::MaxwellDecoderConfig c;
        c.primary_keys = {{"bet_legs", {"bet_id", "leg_no"}}};
        c.decimal_scales = {{"bets.stake", 2}, {"bets.total_odds", 4}};
        c.money_columns = {"bets.stake", "bets.payout"};
        return c;
    }());
    auto record = tote::fuzz::make_record(data, size, "maxwell", "maxwell");
    volatile size_t n = tote::format_decode_result(decoder.decode(record)).size();
    (void)n;
    return 0;
}

#pragma once
// Decodes Maxwell's daemon JSON (MySQL binlog rows) into ChangeEvent. Maxwell has no
// BEGIN/END records and no key schema: the row key comes from configured primary-key
// columns and the source position from the binlog position. See docs/decoding.md.
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "decode/decoder.h"

namespace tote {

struct MaxwellDecoderConfig {
    // Primary-key columns per table, keyed "database.table" or "table" (the first that matches
    // wins); tables not listed use default_primary_key. The canonical key is compact JSON of
    // these columns taken from `data`, in this order, e.g. {"bet_id":1,"leg_no":2}.
    std::map<std::string, std::vector<std::string>> primary_keys;
    std::vector<std::string> default_primary_key = {"id"};

    // Exact decimals, keyed "table.column": Maxwell writes DECIMAL columns as JSON numbers whose
    // text is exact ("12.50"); a listed column is decoded from that text into Decimal(scale)
    // (more decimals than the scale are a DecodeFailure unless they are zeros). Unlisted
    // non-integer numbers become Float64.
    std::map<std::string, int32_t> decimal_scales;

    // Columns that must arrive exact, keyed "table.column": a non-integer JSON number in such
    // a column that is not listed in decimal_scales is a DecodeFailure.
    std::set<std::string> money_columns;

    // The database whose tables keep their bare names as their identity (core/table_identity.h);
    // "" (default): every table is named "database.table" (MySQL has no default schema), e.g.
    // `bets` of `shop` lands in land_shop.bets. decimal_scales and money_columns also take
    // "database.table.column"; a bare table name applies in every database.
    std::string default_database;
};

class MaxwellJsonDecoder final : public Decoder {
public:
    explicit MaxwellJsonDecoder(MaxwellDecoderConfig config = {});
    ~MaxwellJsonDecoder() override;
    MaxwellJsonDecoder(MaxwellJsonDecoder&&) noexcept;
    MaxwellJsonDecoder& operator=(MaxwellJsonDecoder&&) noexcept;

    // Never throws for bad input. Not thread-safe: use one decoder per thread.
    DecodeResult decode(const LogRecord& record) override;

    const MaxwellDecoderConfig& config() const { return config_; }

private:
    class Impl;
    MaxwellDecoderConfig config_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace tote

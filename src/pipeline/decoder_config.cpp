#include "pipeline/decoder_config.h"

#include "core/error.h"

namespace tote {

DebeziumDecoderConfig DecoderConfig::debezium() const {
    DebeziumDecoderConfig c;
    c.default_schema = source_schema;
    for (const auto& m : money_columns) c.money_columns.insert(m);
    for (const auto& d : decimal_scales) {
        auto eq = d.find('=');
        int scale = -1;
        try {
            if (eq != std::string::npos) scale = std::stoi(d.substr(eq + 1));
        } catch (const std::exception&) {
            scale = -1;
        }
        if (eq == std::string::npos || eq == 0 || scale < 0 || scale > 38)
            throw ToteError(
                ErrorClass::Fatal,
                "--decimal-scale '" + d + "': expected table.column=SCALE with SCALE 0..38");
        c.decimal_scales[d.substr(0, eq)] = scale;
    }
    return c;
}

std::unique_ptr<Decoder> DecoderConfig::make_decoder() const {
    DebeziumDecoderConfig d = debezium();
    if (format == "debezium") return std::make_unique<DebeziumJsonDecoder>(std::move(d));
    if (format != "maxwell")
        throw ToteError(ErrorClass::Fatal,
                        "unknown change-event format '" + format + "' (debezium or maxwell)");
    MaxwellDecoderConfig m;
    m.money_columns = d.money_columns;
    m.decimal_scales = d.decimal_scales;
    for (const auto& pk : primary_keys) {
        auto eq = pk.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == pk.size())
            throw ToteError(ErrorClass::Fatal,
                            "--primary-key '" + pk + "': expected table=col1,col2");
        std::vector<std::string> cols;
        size_t start = eq + 1;
        while (start <= pk.size()) {
            size_t comma = pk.find(',', start);
            if (comma == std::string::npos) comma = pk.size();
            cols.push_back(pk.substr(start, comma - start));
            start = comma + 1;
        }
        m.primary_keys[pk.substr(0, eq)] = cols;
    }
    return std::make_unique<MaxwellJsonDecoder>(std::move(m));
}

}  // namespace tote

#include "cli/decoder_options.h"

#include "core/error.h"

namespace tote {

void add_decoder_options(CLI::App& cmd, DecoderOptions& o) {
    cmd.add_option("--format", o.format, "Change-event format: debezium (JSON) or maxwell (JSON)")
        ->check(CLI::IsMember({"debezium", "maxwell"}))
        ->capture_default_str();
    cmd.add_option("--primary-key", o.primary_keys,
                   "Maxwell: table=col1,col2 primary key of a table (default id); repeatable");
    cmd.add_option("--money-column", o.money_columns,
                   "table.column holding money: it must arrive exactly (a double, as with "
                   "decimal.handling.mode=double, is dead-lettered); repeatable");
    cmd.add_option("--decimal-scale", o.decimal_scales,
                   "table.column=SCALE of a precise (base64) decimal when messages carry no "
                   "schema; repeatable");
}

DebeziumDecoderConfig DecoderOptions::config() const {
    DebeziumDecoderConfig c;
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

std::unique_ptr<Decoder> DecoderOptions::make_decoder() const {
    DebeziumDecoderConfig d = config();
    if (format == "debezium") return std::make_unique<DebeziumJsonDecoder>(std::move(d));
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

#include "cli/decoder_options.h"

#include "core/error.h"

namespace tote {

void add_decoder_options(CLI::App& cmd, DecoderOptions& o) {
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

}  // namespace tote

#include "golden_config.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "decode/debezium_json_decoder.h"
#include "decode/declared_type_decoder.h"
#include "decode/maxwell_json_decoder.h"

namespace tote::golden {

std::unique_ptr<Decoder> make_decoder_for(const std::string& input_path) {
    namespace fs = std::filesystem;
    fs::path input(input_path);
    fs::path config = input.parent_path() / (input.stem().string() + ".config");
    if (!fs::exists(config)) config = input.parent_path() / "default.config";
    std::string kind = "debezium";
    DebeziumDecoderConfig dbz;
    MaxwellDecoderConfig mxw;
    std::vector<DeclaredColumn> declared;
    DecimalMode mode = DecimalMode::String;
    std::ifstream in(config);
    std::string line;
    int n = 0;
    while (in && std::getline(in, line)) {
        ++n;
        if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
        std::istringstream words(line);
        std::string key;
        if (!(words >> key)) continue;
        std::string a, b;
        words >> a >> b;
        auto bad = [&] {
            return std::runtime_error(config.string() + ":" + std::to_string(n) + ": bad line");
        };
        if (key == "decoder") {
            kind = a;
        } else if (key == "money_column" && !a.empty()) {
            dbz.money_columns.insert(a);
            mxw.money_columns.insert(a);
        } else if (key == "decimal_scale" && !b.empty()) {
            dbz.decimal_scales[a] = std::stoi(b);
            mxw.decimal_scales[a] = std::stoi(b);
        } else if (key == "column_type" && !b.empty() && a.find('.') != std::string::npos) {
            auto type = parse_source_type(b);
            if (!type) throw bad();
            const auto dot = a.rfind('.');
            declared.push_back(
                {a.substr(0, dot), a.substr(dot + 1), *type,
                 "declared by " + config.filename().string() + ":" + std::to_string(n)});
        } else if (key == "decimal_mode" && (a == "string" || a == "precise")) {
            mode = a == "precise" ? DecimalMode::Precise : DecimalMode::String;
        } else if (key == "primary_key" && !b.empty()) {
            std::vector<std::string> cols;
            std::istringstream list(b);
            for (std::string c; std::getline(list, c, ',');) cols.push_back(c);
            mxw.primary_keys[a] = cols;
        } else {
            throw bad();
        }
    }
    if (kind == "maxwell") add_declared_scales(declared, mxw.decimal_scales);
    if (mode == DecimalMode::Precise) add_declared_scales(declared, dbz.decimal_scales);
    auto wrap = [&](std::unique_ptr<Decoder> inner) -> std::unique_ptr<Decoder> {
        if (declared.empty()) return inner;
        return std::make_unique<DeclaredTypeDecoder>(std::move(inner), declared, mode);
    };
    if (kind == "maxwell") return wrap(std::make_unique<MaxwellJsonDecoder>(mxw));
    if (kind == "debezium") return wrap(std::make_unique<DebeziumJsonDecoder>(dbz));
    throw std::runtime_error(config.string() + ": unknown decoder " + kind);
}

}  // namespace tote::golden

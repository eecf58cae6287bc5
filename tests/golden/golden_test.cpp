// For every tests/golden/<format>/X.jsonl: decode each record with the decoder X.config (or
// default.config) asks for, and compare the lines "<topic/partition/offset> <decode result>"
// with X.expected. TOTE_UPDATE_GOLDEN=1 rewrites the expected files instead: review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "decode/decode_result_format.h"
#include "golden_config.h"
#include "source/jsonl_record_reader.h"

namespace tote {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> golden_inputs() {
    std::vector<fs::path> out;
    for (const auto& dir : {"debezium", "maxwell", "mariadb"})
        for (const auto& e : fs::directory_iterator(fs::path(TOTE_GOLDEN_DIR) / dir))
            if (e.path().extension() == ".jsonl") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string decode_file(const fs::path& input) {
    auto decoder = golden::make_decoder_for(input.string());
    JsonlRecordReader reader(input.string());
    std::string out, error;
    LogRecord r;
    for (;;) {
        auto st = reader.next(r, error);
        if (st == JsonlRecordReader::Status::End) break;
        if (st == JsonlRecordReader::Status::Malformed) {
            out += "line " + std::to_string(reader.line_number()) + " malformed\n";
            continue;
        }
        out += describe_position(r) + " " + format_decode_result(decoder->decode(r)) + "\n";
    }
    return out;
}

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TEST(Golden, EveryInputDecodesAsExpected) {
    const char* update = std::getenv("TOTE_UPDATE_GOLDEN");
    const bool rewrite = update && std::string(update) == "1";
    auto inputs = golden_inputs();
    ASSERT_GE(inputs.size(), 15u);
    for (const auto& input : inputs) {
        fs::path expected_path = input;
        expected_path.replace_extension(".expected");
        std::string actual = decode_file(input);
        if (rewrite) {
            std::ofstream(expected_path) << actual;
            continue;
        }
        ASSERT_TRUE(fs::exists(expected_path))
            << expected_path << " missing: run with TOTE_UPDATE_GOLDEN=1";
        std::string expected = read_file(expected_path);
        if (actual == expected) continue;
        std::istringstream a(actual), e(expected);
        std::string la, le;
        int line = 0;
        while (true) {
            ++line;
            bool ha = static_cast<bool>(std::getline(a, la));
            bool he = static_cast<bool>(std::getline(e, le));
            if (!ha && !he) break;
            if (la != le || ha != he) {
                ADD_FAILURE() << input.filename() << " line " << line << "\n  expected: " << le
                              << "\n  actual:   " << la;
                break;
            }
        }
    }
}

}  // namespace
}  // namespace tote

#pragma once
// An aligned text table for terminal views: text columns left, numbers right, a rule under the
// header. Cells are shown as given (format money before, e.g. Currency::format_major).
#include <string>
#include <vector>

namespace tote {

class TextTable {
public:
    // `numeric[i]`: column i is right aligned.
    TextTable(std::vector<std::string> header, std::vector<bool> numeric);

    void add_row(std::vector<std::string> cells);
    size_t rows() const { return rows_.size(); }
    std::string render() const;

private:
    std::vector<std::string> header_;
    std::vector<bool> numeric_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace tote

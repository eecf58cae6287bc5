#include "cli/text_table.h"

#include <algorithm>

namespace tote {

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> numeric)
    : header_(std::move(header)), numeric_(std::move(numeric)) {
    numeric_.resize(header_.size(), false);
}

void TextTable::add_row(std::vector<std::string> cells) {
    cells.resize(header_.size());
    rows_.push_back(std::move(cells));
}

std::string TextTable::render() const {
    std::vector<size_t> width(header_.size());
    for (size_t i = 0; i < header_.size(); ++i) {
        width[i] = header_[i].size();
        for (const auto& row : rows_) width[i] = std::max(width[i], row[i].size());
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string text;
        for (size_t i = 0; i < cells.size(); ++i) {
            if (i) text += "  ";
            const std::string pad(width[i] - cells[i].size(), ' ');
            text += numeric_[i] ? pad + cells[i] : cells[i] + pad;
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        return text + "\n";
    };
    size_t total = 0;
    for (size_t w : width) total += w;
    total += 2 * (width.empty() ? 0 : width.size() - 1);
    std::string out = line(header_);
    out += std::string(total, '-') + "\n";
    for (const auto& row : rows_) out += line(row);
    return out;
}

}  // namespace tote

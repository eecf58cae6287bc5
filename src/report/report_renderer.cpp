#include "report/report_renderer.h"

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

#include "core/json_escape.h"
#include "model/currency.h"
#include "report/report_date.h"

namespace tote {
namespace {

uint64_t magnitude(int64_t v) {
    return v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
}

std::string group_thousands(std::string digits) {
    std::string out;
    const size_t n = digits.size();
    for (size_t i = 0; i < n; ++i) {
        if (i && (n - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::optional<std::string> margin_settled(const ReportRow& r) {
    return format_percent(r.ggr_settled_eur_cents, r.settled_turnover_eur_cents);
}

// A report column: its header, whether it is a number (right aligned), and its text.
struct Column {
    const char* name;
    bool numeric;
    std::function<std::string(const ReportRow&, bool /*table*/)> text;
    bool money = false;  // CSV names its unit: <name>_eur_cents
};

// Money: "EUR 1,234.56" in the table (major units, for people); integer cents in CSV, whose
// header names the unit (turnover_eur_cents), as in the JSON.
Column money(const char* name, int64_t ReportRow::*field) {
    return {name, true,
            [field](const ReportRow& r, bool table) {
                return table ? model::Currency::format_major(r.*field, "EUR")
                             : std::to_string(r.*field);
            },
            true};
}

// Counts: 1,234 in the table, 1234 in CSV.
template <typename T>
Column count(const char* name, T ReportRow::*field) {
    return {name, true, [field](const ReportRow& r, bool table) {
                return table ? group_thousands(std::to_string(r.*field)) : std::to_string(r.*field);
            }};
}

const std::vector<Column>& columns() {
    static const std::vector<Column> c = {
        {"day", false, [](const ReportRow& r, bool) { return report_day_label(r); }},
        {"country", false, [](const ReportRow& r, bool) { return report_country_label(r); }},
        money("turnover", &ReportRow::turnover_eur_cents),
        money("cash_turnover", &ReportRow::cash_turnover_eur_cents),
        money("settled_turnover", &ReportRow::settled_turnover_eur_cents),
        money("payouts_settled", &ReportRow::payouts_settled_eur_cents),
        money("payouts_cash", &ReportRow::payouts_cash_eur_cents),
        money("ggr_settled", &ReportRow::ggr_settled_eur_cents),
        money("ggr_cash", &ReportRow::ggr_cash_eur_cents),
        {"margin_settled_pct", true,
         [](const ReportRow& r, bool table) {
             auto m = margin_settled(r);
             if (!m) return std::string(table ? "-" : "");
             return table ? *m + "%" : *m;
         }},
        count("bets", &ReportRow::bets),
        count("active_players", &ReportRow::active_players),
        money("deposits", &ReportRow::deposits_eur_cents),
        money("withdrawals", &ReportRow::withdrawals_eur_cents),
        money("net_deposits", &ReportRow::net_deposits_eur_cents),
        money("open_liability", &ReportRow::open_liability_eur_cents),
    };
    return c;
}

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace

std::string format_eur(int64_t cents, bool thousands_separators) {
    const uint64_t m = magnitude(cents);
    std::string major = std::to_string(m / 100);
    if (thousands_separators) major = group_thousands(std::move(major));
    const unsigned minor = static_cast<unsigned>(m % 100);
    std::string out = cents < 0 ? "-" : "";
    out += major;
    out += '.';
    out += static_cast<char>('0' + minor / 10);
    out += static_cast<char>('0' + minor % 10);
    return out;
}

std::optional<std::string> format_percent(int64_t numerator, int64_t denominator) {
    if (denominator == 0) return std::nullopt;
    // Hundredths of a percent: |n| * 10000 / |d|, rounded half away from zero (exact in 128 bits).
    const unsigned __int128 a = static_cast<unsigned __int128>(magnitude(numerator)) * 10000;
    const unsigned __int128 b = magnitude(denominator);
    const unsigned __int128 q = (2 * a + b) / (2 * b);
    const bool negative = q != 0 && ((numerator < 0) != (denominator < 0));
    std::string whole;
    for (unsigned __int128 w = q / 100; w != 0 || whole.empty(); w /= 10)
        whole.insert(whole.begin(), static_cast<char>('0' + static_cast<int>(w % 10)));
    const unsigned fraction = static_cast<unsigned>(q % 100);
    std::string out = negative ? "-" : "";
    out += whole;
    out += '.';
    out += static_cast<char>('0' + fraction / 10);
    out += static_cast<char>('0' + fraction % 10);
    return out;
}

std::string report_day_label(const ReportRow& row) {
    return row.kind == ReportRowKind::GrandTotal ? "TOTAL" : format_report_date(row.day);
}

std::string report_country_label(const ReportRow& row) {
    if (row.kind != ReportRowKind::Country) return "TOTAL";
    return row.country.empty() ? "(unknown)" : row.country;
}

const char* report_kind_name(ReportRowKind kind) {
    switch (kind) {
        case ReportRowKind::Country:
            return "country";
        case ReportRowKind::DayTotal:
            return "day_total";
        case ReportRowKind::GrandTotal:
            return "grand_total";
    }
    return "country";
}

std::string render_table(const Report& report) {
    const auto& cols = columns();
    std::vector<std::vector<std::string>> cells;
    for (const auto& r : report.rows) {
        std::vector<std::string> line;
        for (const auto& c : cols) line.push_back(c.text(r, true));
        cells.push_back(std::move(line));
    }
    std::vector<size_t> width;
    for (size_t i = 0; i < cols.size(); ++i) {
        size_t w = std::string_view(cols[i].name).size();
        for (const auto& line : cells) w = std::max(w, line[i].size());
        width.push_back(w);
    }
    auto emit = [&](std::string& out, const std::vector<std::string>& line) {
        std::string text;
        for (size_t i = 0; i < line.size(); ++i) {
            if (i) text += "  ";
            const std::string pad(width[i] - line[i].size(), ' ');
            text += cols[i].numeric ? pad + line[i] : line[i] + pad;
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out += text + "\n";
    };
    size_t total_width = 0;
    for (size_t w : width) total_width += w;
    total_width += 2 * (width.size() - 1);
    const std::string rule(total_width, '-');

    std::string out = "KPIs " + format_report_date(report.from_day) + " .. " +
                      format_report_date(report.to_day) + " (UTC days), country: ";
    if (!report.filtered)
        out += "all";
    else
        out += report.country_filter.empty() ? "(unknown)" : report.country_filter;
    out += ", money in EUR (major units)\n";
    std::vector<std::string> header;
    for (const auto& c : cols) header.push_back(c.name);
    emit(out, header);
    out += rule + "\n";
    for (size_t i = 0; i < cells.size(); ++i) {
        if (report.rows[i].kind == ReportRowKind::GrandTotal) out += rule + "\n";
        emit(out, cells[i]);
    }
    return out;
}

std::string render_csv(const Report& report) {
    const auto& cols = columns();
    std::string out = "kind";
    for (const auto& c : cols) {
        out += std::string(",") + c.name;
        if (c.money) out += "_eur_cents";
    }
    out += "\n";
    for (const auto& r : report.rows) {
        out += report_kind_name(r.kind);
        for (const auto& c : cols) out += "," + csv_field(c.text(r, false));
        out += "\n";
    }
    return out;
}

std::string render_json(const Report& report) {
    std::string out = "{\"from\":\"" + format_report_date(report.from_day) + "\",\"to\":\"" +
                      format_report_date(report.to_day) + "\",\"currency\":\"EUR\",\"country\":";
    if (report.filtered)
        append_json_string(out, report.country_filter);
    else
        out += "null";
    out += ",\"rows\":[";
    bool first = true;
    for (const auto& r : report.rows) {
        out += first ? "\n" : ",\n";
        first = false;
        out += "{\"kind\":\"" + std::string(report_kind_name(r.kind)) + "\",\"day\":";
        if (r.kind == ReportRowKind::GrandTotal)
            out += "null";
        else
            out += "\"" + format_report_date(r.day) + "\"";
        out += ",\"country\":";
        if (r.kind == ReportRowKind::Country)
            append_json_string(out, report_country_label(r));
        else
            out += "null";
        auto field = [&](const char* name, const std::string& value) {
            out += ",\"";
            out += name;
            out += "\":";
            out += value;
        };
        field("turnover_eur_cents", std::to_string(r.turnover_eur_cents));
        field("cash_turnover_eur_cents", std::to_string(r.cash_turnover_eur_cents));
        field("settled_turnover_eur_cents", std::to_string(r.settled_turnover_eur_cents));
        field("payouts_settled_eur_cents", std::to_string(r.payouts_settled_eur_cents));
        field("payouts_cash_eur_cents", std::to_string(r.payouts_cash_eur_cents));
        field("ggr_settled_eur_cents", std::to_string(r.ggr_settled_eur_cents));
        field("ggr_cash_eur_cents", std::to_string(r.ggr_cash_eur_cents));
        field("margin_settled_pct", margin_settled(r).value_or("null"));
        field("bets", std::to_string(r.bets));
        field("active_players", std::to_string(r.active_players));
        field("deposits_eur_cents", std::to_string(r.deposits_eur_cents));
        field("withdrawals_eur_cents", std::to_string(r.withdrawals_eur_cents));
        field("net_deposits_eur_cents", std::to_string(r.net_deposits_eur_cents));
        field("open_liability_eur_cents", std::to_string(r.open_liability_eur_cents));
        out += "}";
    }
    out += "\n]}\n";
    return out;
}

}  // namespace tote

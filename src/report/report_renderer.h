#pragma once
// The three output formats of `tote report` (docs/report.md): an aligned terminal table, CSV and
// JSON. All money arrives as integer EUR cents and is formatted without floating point.
#include <cstdint>
#include <optional>
#include <string>

#include "report/report_row.h"

namespace tote {

// Cents -> major units with 2 decimals: "-1,234.56" with thousands separators, "-1234.56"
// without. Exact for every int64.
std::string format_eur(int64_t cents, bool thousands_separators);

// 100 * numerator / denominator with 2 decimals, rounded half away from zero ("12.35", "-3.00");
// nullopt when the denominator is 0.
std::optional<std::string> format_percent(int64_t numerator, int64_t denominator);

// The day and country labels shown in the table and CSV: the date or "TOTAL" (grand total);
// the country, "(unknown)" for "", or "TOTAL" for totals.
std::string report_day_label(const ReportRow& row);
std::string report_country_label(const ReportRow& row);

// "country", "day_total" or "grand_total".
const char* report_kind_name(ReportRowKind kind);

// A title line, then aligned columns (text left, numbers right), money as 1,234.56, margin as
// 12.34% or "-" when settled turnover is 0; a rule before the grand total.
std::string render_table(const Report& report);

// A header line, then one line per row: kind, day, country, money in EUR with 2 decimals and no
// separators, margin_settled_pct (empty when undefined), counts as integers.
std::string render_csv(const Report& report);

// {"from", "to", "currency": "EUR", "country": filter or null, "rows": [...]}; each row has
// kind, day (null for the grand total), country (null for totals), money as exact integer
// cents in *_eur_cents fields, margin_settled_pct as a number with 2 decimals or null.
std::string render_json(const Report& report);

}  // namespace tote

#pragma once
// What ingest is doing, in words, for the progress lines of `tote ingest` and `tote demo`:
// restoring state, catching up or waiting for input, each with progress and an estimate.
#include <string>

#include "pipeline/ingest_pipeline.h"

namespace tote {

// e.g. "restoring fact state: replayed 812,000 of 1,556,340 log records (52%), 210,000
// records/s, about 4 s left" or "catching up: offset 120,000 of 1,556,340 (lag 1,436,340),
// 300,000 records/s, about 5 s left" or "live: all 1,556,340 records landed, waiting for input".
std::string ingest_status_text(const IngestProgress& p);

// 4.2 -> "about 5 s", 130 -> "about 3 min", 4000 -> "about 1 h 7 min"; <0: "".
std::string estimate_text(double seconds);

}  // namespace tote

#pragma once
// The facts/KPI scenario shared by the embedded-engine binary and the ClickHouse 18.16 binary:
// the same hand-built fact batches, the same exact KPI results, on either engine. Each binary
// defines facts_connection() and facts_database_prefix().
#include <string>

#include "sink/clickhouse_connection.h"

namespace tote {

ClickHouseConnection& facts_connection();
std::string facts_database_prefix();

}  // namespace tote

#pragma once
// The sink scenario shared by the embedded-engine test and the ClickHouse 18.16 test: the same
// hand-built changes, the same exact expected results, on either engine. Each binary defines
// scenario_connection() and scenario_database_prefix().
#include <string>

#include "sink/clickhouse_connection.h"

namespace tote {

ClickHouseConnection& scenario_connection();
std::string scenario_database_prefix();

}  // namespace tote

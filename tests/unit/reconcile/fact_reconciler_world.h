#pragma once
// The FactReconciler tests (fact_reconciler_test.cpp) run on either engine: each binary's main
// defines reconcile_connection() and registers its engine's environment before the world's.
#include <gtest/gtest.h>

#include "sink/clickhouse_connection.h"

namespace tote {

// The engine under test (valid while the tests run).
ClickHouseConnection& reconcile_connection();

// The environment that simulates, builds the facts and writes them into the engine.
::testing::Environment* new_reconcile_world();

}  // namespace tote

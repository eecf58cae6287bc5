#pragma once
// The OLTP tables `tote simulate --oltp` writes (schema/oltp.sql, compiled in): checks that a
// database has them and is empty, or creates them when asked.
#include <string_view>

#include "oltp/pg_connection.h"

namespace tote {

class OltpSchema {
public:
    // schema/oltp.sql, as built into the program.
    static std::string_view ddl();

    // Ensures every table of schema/oltp.sql exists (creating them all when none exists and
    // create is true). Throws Fatal naming the missing tables and what to do.
    static void ensure_tables(PgConnection& db, bool create);
    // Throws Fatal naming the first table that holds rows, and what to do.
    static void check_empty(PgConnection& db);
};

}  // namespace tote

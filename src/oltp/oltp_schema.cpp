#include "oltp/oltp_schema.h"

#include <string>
#include <vector>

#include "simulate/table_def.h"

namespace tote {

void OltpSchema::ensure_tables(PgConnection& db, bool create) {
    std::vector<std::string> missing;
    size_t present = 0;
    for (size_t t = 0; t < kTableCount; ++t) {
        std::string name(table_def(t).name);
        PgResult r = db.exec("SELECT to_regclass('public." + name + "') IS NULL");
        if (r.text(0, 0) == "t")
            missing.push_back(name);
        else
            ++present;
    }
    if (!missing.empty() && present == 0 && create) {
        db.exec("BEGIN;\n" + std::string(ddl()) + "\nCOMMIT;");
        missing.clear();
    }
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        std::string where = "PostgreSQL (" + db.describe() + ")";
        if (present > 0)
            throw ToteError(ErrorClass::Fatal,
                            "the database in " + where + " holds some of the OLTP tables but not " +
                                list +
                                ": it holds another schema. Use a database of its own (createdb "
                                "NAME, then --oltp postgresql://.../NAME --create-schema)");
        throw ToteError(ErrorClass::Fatal,
                        "the OLTP schema is missing in " + where + ": no table " + list +
                            ". Add --create-schema, or apply schema/oltp.sql from the tote clone: "
                            "psql 'postgresql://" +
                            db.user() + "@" + db.host() + ":" + db.port() + "/" + db.database() +
                            "' -f schema/oltp.sql");
    }
}

void OltpSchema::check_empty(PgConnection& db) {
    for (size_t t = 0; t < kTableCount; ++t) {
        std::string name(table_def(t).name);
        PgResult r = db.exec("SELECT EXISTS (SELECT 1 FROM " + name + ")");
        if (r.text(0, 0) == "t")
            throw ToteError(ErrorClass::Fatal,
                            "table " + name + " in PostgreSQL (" + db.describe() +
                                ") already holds rows: tote simulate --oltp fills an empty OLTP "
                                "(its ids and ground truth start from nothing). If an earlier "
                                "tote simulate --oltp filled it, add --continue with that run's "
                                "--data-dir and flags; otherwise use a new database (createdb, "
                                "then --create-schema), or empty the tables");
    }
}

}  // namespace tote

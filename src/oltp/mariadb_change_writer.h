#pragma once
// The simulator's transactions committed into MariaDB (schema/oltp_mariadb.sql): see
// TransactionalSqlWriter; the statements are MariaDbSql's (codes, major-unit money, DATETIME).
#include "oltp/mariadb_connection.h"
#include "oltp/mariadb_sql.h"
#include "oltp/transactional_sql_writer.h"

namespace tote {

using MariaDbChangeWriter = TransactionalSqlWriter<MariaDbSql, MariaDbConnection>;

}  // namespace tote

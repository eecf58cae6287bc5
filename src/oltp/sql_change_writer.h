#pragma once
// The simulator's transactions committed into PostgreSQL (schema/oltp.sql): see
// TransactionalSqlWriter; the statements are PostgresSql's.
#include "oltp/pg_connection.h"
#include "oltp/transactional_sql_writer.h"
#include "simulate/postgres_sql.h"

namespace tote {

using SqlChangeWriter = TransactionalSqlWriter<PostgresSql, PgConnection>;

}  // namespace tote

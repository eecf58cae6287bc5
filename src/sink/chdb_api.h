#pragma once
// The part of libchdb's C API that tote calls (libchdb ships no header; these follow the chDB
// documentation). Every function declared here must be exported by the pinned libchdb.so:
// tests/integration/embedded_sink/check_chdb_api.sh compares this file with `nm -D`.
#include <cstddef>

extern "C" {

typedef struct chdb_connection_ {
    void* internal_data;
} * chdb_connection;

typedef struct chdb_result_ chdb_result;  // opaque

chdb_connection* chdb_connect(int argc, char** argv);
void chdb_close_conn(chdb_connection* conn);
chdb_result* chdb_query_n(chdb_connection conn, const char* query, size_t query_len,
                          const char* format, size_t format_len);
char* chdb_result_buffer(chdb_result* result);
size_t chdb_result_length(chdb_result* result);
const char* chdb_result_error(chdb_result* result);
void chdb_destroy_query_result(chdb_result* result);
void chdb_set_signal_handlers_enabled(int enabled);

}  // extern "C"

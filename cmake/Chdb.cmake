# The embedded ClickHouse engine: libchdb.so from the npm package @chdb/lib-linux-x64-gnu,
# fetched and checksum-verified by scripts/fetch-chdb.sh into a cache outside the clone.
set(TOTE_CHDB_DIR "$ENV{HOME}/.cache/tote/chdb/26.5.3" CACHE PATH "Folder holding libchdb.so")
if(TOTE_WITH_ENGINE)
  if(NOT EXISTS "${TOTE_CHDB_DIR}/libchdb.so")
    message(FATAL_ERROR "libchdb.so not found in ${TOTE_CHDB_DIR}: run scripts/fetch-chdb.sh first")
  endif()
  add_library(chdb SHARED IMPORTED GLOBAL)
  set_target_properties(chdb PROPERTIES IMPORTED_LOCATION "${TOTE_CHDB_DIR}/libchdb.so")
endif()

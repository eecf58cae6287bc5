# RocksDB from Debian (librocksdb-dev, scripts/install-deps.sh): the store of the fact state that
# leaves memory under the memory budget (src/state/rocksdb_cold_state.h). We assert the
# major.minor we test with (Debian 12: 7.8.x).
find_package(RocksDB REQUIRED CONFIG)
if(NOT RocksDB_VERSION MATCHES "^7\\.8\\.")
  message(FATAL_ERROR "expected RocksDB 7.8.x (Debian 12 librocksdb-dev), found ${RocksDB_VERSION}")
endif()

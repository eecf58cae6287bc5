# librdkafka from Debian (librdkafka-dev, scripts/install-deps.sh): the Kafka source. We assert
# the major.minor we test with against Kafka 4.4 (2.0.x: new enough for Kafka 4's protocol floor).
find_package(PkgConfig REQUIRED)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)
if(NOT RDKAFKA_VERSION MATCHES "^2\\.0\\.")
  message(FATAL_ERROR "expected librdkafka 2.0.x (Debian 12 librdkafka-dev), found ${RDKAFKA_VERSION}")
endif()

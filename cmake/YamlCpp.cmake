# yaml-cpp from Debian (libyaml-cpp-dev, scripts/install-deps.sh): reads the mapping files
# (mappings/*.yaml, docs/mapping.md) with the line of every node for error messages. We assert
# the major.minor we test with (Debian 12: 0.7.x).
find_package(yaml-cpp REQUIRED CONFIG)
if(NOT yaml-cpp_VERSION MATCHES "^0\\.7\\.")
  message(FATAL_ERROR "expected yaml-cpp 0.7.x (Debian 12 libyaml-cpp-dev), found ${yaml-cpp_VERSION}")
endif()

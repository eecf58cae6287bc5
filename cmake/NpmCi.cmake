# Installs web/'s pinned npm packages (web/package-lock.json) into web/node_modules with `npm ci`,
# unless the lock file installed there last is this one: npm ci runs once per lock file, not once
# per build folder. scripts/install-deps.sh runs it first (it needs the npm registry, or npm's
# cache); this step is then offline. No package's install script runs (--ignore-scripts): none
# is needed, and none may fetch anything (Playwright's browser downloads live in the `playwright`
# package, which tote does not use: the browser tests drive Debian's chromium). Usage:
#   cmake -DWEB_DIR=... -DNPM=... -P NpmCi.cmake
set(lock "${WEB_DIR}/package-lock.json")
set(installed "${WEB_DIR}/node_modules/.tote-installed-lock.json")
if(EXISTS "${installed}")
  file(SHA256 "${lock}" want)
  file(SHA256 "${installed}" have)
  if(want STREQUAL have)
    file(TOUCH "${installed}")  # newer than package.json: the build step is up to date
    return()
  endif()
endif()
execute_process(COMMAND "${NPM}" ci --prefer-offline --ignore-scripts --no-audit --no-fund
                WORKING_DIRECTORY "${WEB_DIR}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${WEB_DIR} failed (exit ${rc}): the front end's packages are "
                      "missing. Run scripts/install-deps.sh once with the npm registry reachable.")
endif()
file(COPY_FILE "${lock}" "${installed}")

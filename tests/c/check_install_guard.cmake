# check_install_guard.cmake (cmake -P): configures the project in fuzzer mode
# twice, in fresh folders. With JVE_INSTALL=ON the top-level check must fail
# the configure with its message; without it, configure must succeed and
# leave JVE_INSTALL OFF. Fails (FATAL_ERROR) otherwise.
foreach(v JVE_SOURCE_DIR JVE_WORK_DIR JVE_GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_install_guard.cmake needs -D${v}=...")
  endif()
endforeach()
set(common -G "${JVE_GENERATOR}" -DJVE_FUZZING_UNSAFE_FOR_PRODUCTION=ON
    -DJVE_BUILD_TESTS=OFF -DJVE_BUILD_BENCHMARKS=OFF -DJVE_BUILD_TOOLS=OFF -DJVE_BUILD_FUZZERS=OFF
    -DJVE_BUILD_EXAMPLES=OFF)
if(JVE_BORINGSSL_ROOT)
  list(APPEND common "-DJVE_BORINGSSL_ROOT=${JVE_BORINGSSL_ROOT}")
endif()

file(REMOVE_RECURSE "${JVE_WORK_DIR}")
execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${JVE_SOURCE_DIR}" -B "${JVE_WORK_DIR}/both" ${common} -DJVE_INSTALL=ON
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "configure with JVE_FUZZING_UNSAFE_FOR_PRODUCTION and JVE_INSTALL succeeded:\n${out}${err}")
endif()
string(REGEX REPLACE "[ \t\r\n]+" " " flat "${err}")  # CMake wraps messages
if(NOT flat MATCHES "cannot be combined with JVE_INSTALL")
  message(FATAL_ERROR "configure failed, but not with the guard's message:\n${err}")
endif()
message(STATUS "both ON: refused, as it should be")

execute_process(
  COMMAND "${CMAKE_COMMAND}" -S "${JVE_SOURCE_DIR}" -B "${JVE_WORK_DIR}/fuzz-only" ${common}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configure in fuzzer mode alone failed:\n${out}${err}")
endif()
file(STRINGS "${JVE_WORK_DIR}/fuzz-only/CMakeCache.txt" install_line REGEX "^JVE_INSTALL:")
if(NOT install_line MATCHES "=OFF$")
  message(FATAL_ERROR "fuzzer mode left ${install_line}; JVE_INSTALL must default OFF there")
endif()
if(EXISTS "${JVE_WORK_DIR}/fuzz-only/jveConfig.cmake")
  message(FATAL_ERROR "fuzzer mode generated a package config")
endif()
message(STATUS "fuzzer mode alone: configures, JVE_INSTALL OFF")
file(REMOVE_RECURSE "${JVE_WORK_DIR}")

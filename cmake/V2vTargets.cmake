# Helpers that keep module CMakeLists short.
#
# v2v_module(NAME SOURCES ... DEPS ...)   -> static library v2v_NAME, includes rooted at src/
# v2v_test(NAME SOURCES ... DEPS ... [LABELS ...]) -> gtest executable registered with ctest,
#   its own code compiled with V2V_TEST_OPT_FLAGS
function(v2v_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(v2v_${name} STATIC ${ARG_SOURCES})
  target_include_directories(v2v_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(v2v_${name} PRIVATE ${V2V_WARNING_FLAGS})
  target_link_libraries(v2v_${name} PUBLIC ${ARG_DEPS})
endfunction()

function(v2v_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_compile_options(${name} PRIVATE ${V2V_WARNING_FLAGS} ${V2V_TEST_OPT_FLAGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 300)
endfunction()

# The HTTP scoring server (`autodet serve`, its tests and bench_serve) uses cpp-httplib, which
# Debian's libcpp-httplib-dev ships as a shared library plus a header. Include this file at the end
# of the top-level CMakeLists.txt (after the targets exist). Without the library the rest of
# autodet still builds; only `serve` is left out.
find_library(AUTODET_HTTPLIB_LIBRARY cpp-httplib)
find_path(AUTODET_HTTPLIB_INCLUDE_DIR httplib.h)
if(AUTODET_TORCH AND AUTODET_HTTPLIB_LIBRARY AND AUTODET_HTTPLIB_INCLUDE_DIR)
  message(STATUS "HTTP server: ${AUTODET_HTTPLIB_LIBRARY}")
  target_link_libraries(autodet_torch PUBLIC ${AUTODET_HTTPLIB_LIBRARY})
  # Only the files that use the server see the switch, so no other object is rebuilt.
  set(_autodet_http_users
    autodet ${CMAKE_SOURCE_DIR}/src/cli/cmd_serve.cpp
    autodet_torch_tests ${CMAKE_SOURCE_DIR}/tests/deploy/test_serve.cpp
    autodet_torch_tests ${CMAKE_SOURCE_DIR}/tests/deploy/test_rcnn_package.cpp
    bench_serve ${CMAKE_SOURCE_DIR}/bench/bench_serve.cpp)
  while(_autodet_http_users)
    list(POP_FRONT _autodet_http_users _target _source)
    if(TARGET ${_target})
      set_source_files_properties(${_source} TARGET_DIRECTORY ${_target}
        PROPERTIES COMPILE_DEFINITIONS AUTODET_HAVE_HTTPLIB=1)
    endif()
  endwhile()
else()
  message(STATUS "HTTP server: cpp-httplib not found, `autodet serve` is left out")
endif()

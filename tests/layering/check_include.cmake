# Compiles a one-line file, #include "<HEADER>", with the include path of one
# engine component, and checks the outcome: EXPECT=refused when the header
# belongs to a component above it (the build must refuse the include),
# EXPECT=allowed when it belongs to one below (the control: the same
# mechanism accepts includes that run down).
#
#   cmake -DCOMPILER=... -DINCLUDES=<;-list> -DHEADER=... -DEXPECT=refused|allowed
#         -DWORK=<dir> -P check_include.cmake
foreach(v COMPILER INCLUDES HEADER EXPECT WORK)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_include.cmake: ${v} is not set")
  endif()
endforeach()
file(MAKE_DIRECTORY "${WORK}")
string(MAKE_C_IDENTIFIER "${HEADER}" name)
set(source "${WORK}/${name}.cc")
file(WRITE "${source}" "#include \"${HEADER}\"\n")
set(flags "")
foreach(dir IN LISTS INCLUDES)
  list(APPEND flags "-I${dir}")
endforeach()
execute_process(COMMAND "${COMPILER}" -std=c++20 -fsyntax-only ${flags} "${source}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(EXPECT STREQUAL "refused")
  if(rc EQUAL 0)
    message(FATAL_ERROR "\"${HEADER}\" compiled on this component's include path: a wrong-way include would build")
  endif()
  if(NOT err MATCHES "No such file or directory|file not found")
    message(FATAL_ERROR "\"${HEADER}\" failed for another reason than a missing header:\n${err}")
  endif()
  message(STATUS "refused as expected: ${HEADER}")
else()
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "\"${HEADER}\" should compile on this component's include path:\n${err}")
  endif()
  message(STATUS "allowed as expected: ${HEADER}")
endif()

# Install rules: headers, libjve.so / libjve.a, the jve CLI, a CMake package
# (find_package(jve CONFIG)) and pkg-config files. Included at the end of the
# top-level CMakeLists.txt when JVE_INSTALL is ON, so every target exists.
#
# What installed consumers get:
#   jve::jve     libjve.so. BoringSSL is linked in with its symbols hidden,
#                simdjson is a DT_NEEDED of the library and the public headers
#                include neither: nothing else to find. The default.
#   jve::static  libjve.a (find_package(jve CONFIG COMPONENTS static)). The
#                consumer links BoringSSL and simdjson itself: the config file
#                finds them again (BoringSSL through the installed
#                FindBoringSSL.cmake and the root this build used).
#   jve::remote  the JWKS-over-HTTPS source, when it was built (COMPONENTS
#                remote); it sits on jve::static.
#   jve.pc (shared) and jve-static.pc (static) for pkg-config.

# Defence in depth: the top-level check refuses this combination already.
if(JVE_FUZZING_UNSAFE_FOR_PRODUCTION)
  message(FATAL_ERROR "JVE_FUZZING_UNSAFE_FOR_PRODUCTION builds must never be installed")
endif()
if(JVE_SANITIZE OR JVE_SANITIZE_THREAD)
  message(STATUS "jve: install rules of a sanitizer build: consumers must link the same sanitizer")
endif()

include(CMakePackageConfigHelpers)

set(JVE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/jve" CACHE STRING
    "Where jveConfig.cmake goes, relative to the install prefix")
mark_as_advanced(JVE_INSTALL_CMAKEDIR)

# Public headers only: each component's include/jve/ (engine/CMakeLists.txt
# lists them); internal/ and src/ hold the private ones.
foreach(dir IN LISTS JVE_PUBLIC_HEADER_DIRS)
  install(DIRECTORY "${dir}/jve"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
          COMPONENT jve_development
          FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
endforeach()

# jve and jve_shared carry $<INSTALL_INTERFACE:include> themselves.
install(TARGETS jve_shared EXPORT jveTargets
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}"
                COMPONENT jve_runtime NAMELINK_COMPONENT jve_development)
install(EXPORT jveTargets NAMESPACE jve:: FILE jveTargets.cmake
        DESTINATION "${JVE_INSTALL_CMAKEDIR}" COMPONENT jve_development)

install(TARGETS jve EXPORT jveStaticTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT jve_development)
install(EXPORT jveStaticTargets NAMESPACE jve:: FILE jveStaticTargets.cmake
        DESTINATION "${JVE_INSTALL_CMAKEDIR}" COMPONENT jve_development)

set(JVE_PACKAGE_HAS_REMOTE OFF)
# CMake code run by jveConfig.cmake before it loads jve::remote: finds what
# the remote library links (set below when jve_remote exists).
set(JVE_PACKAGE_REMOTE_DEPENDENCIES "")
if(TARGET jve_remote)
  set(JVE_PACKAGE_HAS_REMOTE ON)
  set_target_properties(jve_remote PROPERTIES EXPORT_NAME remote)
  # Its public headers live beside it (engine/remote/include/jve/).
  get_target_property(jve_remote_includes jve_remote INTERFACE_INCLUDE_DIRECTORIES)
  foreach(dir IN LISTS jve_remote_includes)
    string(REGEX REPLACE "^\\$<BUILD_INTERFACE:(.*)>$" "\\1" dir "${dir}")
    if(IS_DIRECTORY "${dir}/jve" AND NOT dir IN_LIST JVE_PUBLIC_HEADER_DIRS)
      install(DIRECTORY "${dir}/jve" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
              COMPONENT jve_development FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")
    endif()
  endforeach()
  # jve_remote is static and links libcurl privately, which its export
  # lists as $<LINK_ONLY:CURL::libcurl>: the consumer must find libcurl
  # again, and only its GnuTLS flavour (see engine/remote/gnutls_curl.cmake).
  set(JVE_PACKAGE_REMOTE_DEPENDENCIES [=[
    if(NOT TARGET CURL::libcurl)
      find_package(CURL QUIET)
    endif()
    if(NOT TARGET CURL::libcurl)
      set(jve_remote_FOUND FALSE)
      set(jve_NOT_FOUND_MESSAGE "jve::remote needs libcurl's GnuTLS flavour (Debian: libcurl4-gnutls-dev)")
    else()
      get_target_property(_jve_curl CURL::libcurl LOCATION)
      if(_jve_curl)
        file(REAL_PATH "${_jve_curl}" _jve_curl)
      endif()
      if(NOT _jve_curl MATCHES "gnutls")
        # OpenSSL's libcrypto must never meet the BoringSSL inside jve.
        set(jve_remote_FOUND FALSE)
        set(jve_NOT_FOUND_MESSAGE "jve::remote needs libcurl's GnuTLS flavour, found ${_jve_curl}")
      endif()
      unset(_jve_curl)
    endif()]=])
  install(TARGETS jve_remote EXPORT jveRemoteTargets
          LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT jve_runtime
          ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT jve_development
          INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
  install(EXPORT jveRemoteTargets NAMESPACE jve:: FILE jveRemoteTargets.cmake
          DESTINATION "${JVE_INSTALL_CMAKEDIR}" COMPONENT jve_development)
endif()

if(TARGET jve_cli)
  # With Debian's shared BoringSSL (outside the linker cache) the installed
  # CLI needs the RPATH the build tree had; libjve.so gets it in engine/.
  if(BoringSSL_CRYPTO_LIBRARY MATCHES "\\.so")
    get_filename_component(jve_cli_boringssl_dir "${BoringSSL_CRYPTO_LIBRARY}" DIRECTORY)
    set_target_properties(jve_cli PROPERTIES INSTALL_RPATH "${jve_cli_boringssl_dir}")
  endif()
  install(TARGETS jve_cli RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT jve_runtime)
endif()

# The find module jve::static needs, and the BoringSSL this build used
# (empty: Debian's android-libboringssl, which the module falls back to).
install(FILES "${PROJECT_SOURCE_DIR}/cmake/FindBoringSSL.cmake"
        DESTINATION "${JVE_INSTALL_CMAKEDIR}" COMPONENT jve_development)
set(JVE_PACKAGE_BORINGSSL_ROOT "${JVE_BORINGSSL_ROOT}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/jveConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/jveConfig.cmake"
  INSTALL_DESTINATION "${JVE_INSTALL_CMAKEDIR}")
# Pre-1.0 a minor release may break compatibility (as the SONAME says).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(jve_compatibility SameMinorVersion)
else()
  set(jve_compatibility SameMajorVersion)
endif()
write_basic_package_version_file("${PROJECT_BINARY_DIR}/jveConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY ${jve_compatibility})
install(FILES "${PROJECT_BINARY_DIR}/jveConfig.cmake" "${PROJECT_BINARY_DIR}/jveConfigVersion.cmake"
        DESTINATION "${JVE_INSTALL_CMAKEDIR}" COMPONENT jve_development)

# pkg-config: prefix is computed from ${pcfiledir}, so the files stay right
# under `cmake --install --prefix <anywhere>` and when the tree is moved.
set(jve_pkgconfig_dir "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(JVE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(JVE_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH jve_pc_up "/root/${jve_pkgconfig_dir}" "/root")
  string(REGEX REPLACE "/$" "" jve_pc_up "${jve_pc_up}")
  set(JVE_PC_PREFIX "\${pcfiledir}/${jve_pc_up}")
  set(JVE_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(JVE_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(JVE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
# What a static link needs besides libjve.a: BoringSSL (by full path: it is
# not in the linker's search path, and must be the one jve was built with),
# simdjson and the C++ runtime, since C programs link with the C driver.
set(JVE_PC_STATIC_LIBS "${BoringSSL_CRYPTO_LIBRARY}")
if(BoringSSL_CRYPTO_LIBRARY MATCHES "\\.so")
  get_filename_component(jve_pc_boringssl_dir "${BoringSSL_CRYPTO_LIBRARY}" DIRECTORY)
  string(APPEND JVE_PC_STATIC_LIBS " -Wl,-rpath,${jve_pc_boringssl_dir}")
endif()
string(APPEND JVE_PC_STATIC_LIBS " -lsimdjson -lstdc++ -lm -lpthread")
configure_file("${PROJECT_SOURCE_DIR}/cmake/jve.pc.in" "${PROJECT_BINARY_DIR}/jve.pc" @ONLY)
configure_file("${PROJECT_SOURCE_DIR}/cmake/jve-static.pc.in" "${PROJECT_BINARY_DIR}/jve-static.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/jve.pc" "${PROJECT_BINARY_DIR}/jve-static.pc"
        DESTINATION "${jve_pkgconfig_dir}" COMPONENT jve_development)

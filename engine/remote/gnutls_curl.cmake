# Included from engine/CMakeLists.txt: finds libcurl, tells its TLS flavour,
# and defines JVE_BUILD_REMOTE (ON by default when a GnuTLS libcurl is found).
#
# Only the GnuTLS flavour is accepted (Debian: libcurl4-gnutls-dev). The
# OpenSSL flavour loads OpenSSL's libcrypto, which exports the same symbol
# names as the BoringSSL inside jve; the two must never meet in one process.
find_package(CURL QUIET)

# jve_curl_tls_flavour(<out> <library>...) sets <out> to gnutls, openssl,
# nss or unknown: by the real file name (Debian's libcurl.so points at
# libcurl-gnutls.so.4 for the GnuTLS flavour), then by the TLS library the
# file needs (readelf -d).
function(jve_curl_tls_flavour out)
  set(flavour unknown)
  foreach(lib IN LISTS ARGN)
    if(NOT EXISTS "${lib}")
      continue()
    endif()
    file(REAL_PATH "${lib}" real)
    get_filename_component(name "${real}" NAME)
    if(name MATCHES "gnutls")
      set(flavour gnutls)
    elseif(name MATCHES "openssl")
      set(flavour openssl)
    elseif(name MATCHES "nss")
      set(flavour nss)
    elseif(CMAKE_READELF AND name MATCHES "\\.so")
      execute_process(COMMAND "${CMAKE_READELF}" -d "${real}" OUTPUT_VARIABLE dynamic
                      ERROR_QUIET RESULT_VARIABLE failed)
      if(NOT failed)
        if(dynamic MATCHES "NEEDED[^\n]*libgnutls")
          set(flavour gnutls)
        elseif(dynamic MATCHES "NEEDED[^\n]*lib(ssl|crypto)\\.so")
          set(flavour openssl)
        elseif(dynamic MATCHES "NEEDED[^\n]*libnss")
          set(flavour nss)
        endif()
      endif()
    endif()
    if(NOT flavour STREQUAL "unknown")
      break()
    endif()
  endforeach()
  set(${out} ${flavour} PARENT_SCOPE)
endfunction()

set(jve_curl_flavour "")
set(jve_remote_default OFF)
if(CURL_FOUND)
  jve_curl_tls_flavour(jve_curl_flavour ${CURL_LIBRARIES})
  if(jve_curl_flavour STREQUAL "gnutls")
    set(jve_remote_default ON)
  endif()
endif()
# Debian's GnuTLS libcurl still loads OpenSSL's libcrypto.so.3 (libcurl ->
# libssh2 -> libcrypto.so.3). A static BoringSSL can be kept out of the
# global symbol scope (remote/CMakeLists.txt); a shared one (Debian's
# android-libboringssl fallback) cannot: both libraries would export
# CRYPTO_free, SHA256_Update, ... and bind to each other's.
set(jve_boringssl_static OFF)
if(BoringSSL_CRYPTO_LIBRARY MATCHES "\\.a$")
  set(jve_boringssl_static ON)
elseif(jve_remote_default)
  set(jve_remote_default OFF)
  message(WARNING "jve: jve_remote (JWKS from URLs) is not built: it needs a static BoringSSL "
                  "(tools/build-boringssl.sh, -DJVE_BORINGSSL_ROOT=...), because libcurl loads "
                  "OpenSSL's libcrypto.so.3 through libssh2.")
endif()
option(JVE_BUILD_REMOTE
       "Build jve_remote (jve/jwks_url.h: JWKS from HTTPS URLs; needs libcurl4-gnutls-dev)"
       ${jve_remote_default})

if(JVE_BUILD_REMOTE)
  if(NOT CURL_FOUND)
    message(FATAL_ERROR "JVE_BUILD_REMOTE needs libcurl's GnuTLS flavour: "
                        "apt-get install libcurl4-gnutls-dev, or -DJVE_BUILD_REMOTE=OFF")
  endif()
  if(NOT jve_curl_flavour STREQUAL "gnutls")
    message(FATAL_ERROR
      "JVE_BUILD_REMOTE: libcurl (${CURL_LIBRARIES}) is the '${jve_curl_flavour}' flavour, "
      "not GnuTLS. The OpenSSL flavour loads OpenSSL's libcrypto, which exports the same "
      "symbol names as the BoringSSL inside jve: the two must never meet in one process. "
      "Install libcurl4-gnutls-dev (it replaces libcurl4-openssl-dev), or -DJVE_BUILD_REMOTE=OFF.")
  endif()
  if(NOT jve_boringssl_static)
    message(FATAL_ERROR
      "JVE_BUILD_REMOTE needs a static BoringSSL (-DJVE_BORINGSSL_ROOT=<tools/build-boringssl.sh "
      "output>): libcurl loads OpenSSL's libcrypto.so.3 through libssh2, and a shared BoringSSL "
      "(${BoringSSL_CRYPTO_LIBRARY}) would interpose its symbols with it.")
  endif()
  message(STATUS "jve: jve_remote with libcurl ${CURL_VERSION_STRING} (GnuTLS): ${CURL_LIBRARIES}")
elseif(CURL_FOUND AND NOT jve_curl_flavour STREQUAL "gnutls")
  message(WARNING "jve: libcurl (${CURL_LIBRARIES}) is the '${jve_curl_flavour}' flavour, not "
                  "GnuTLS: jve_remote (JWKS from URLs) is not built. Install libcurl4-gnutls-dev.")
endif()

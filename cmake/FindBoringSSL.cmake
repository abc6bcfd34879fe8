# FindBoringSSL: provides the imported target BoringSSL::Crypto.
#
# Search order:
#   1. JVE_BORINGSSL_ROOT: a BoringSSL or AWS-LC install (include/openssl,
#      lib/libcrypto.a or .so), e.g. the one tools/build-boringssl.sh makes.
#   2. Debian's android-libboringssl-dev binary, with a loud warning: it is
#      built with OPENSSL_SMALL (slow P-256) and lives outside the linker
#      cache, so it is linked by full path with an RPATH.
set(JVE_BORINGSSL_ROOT "" CACHE PATH "Root of a BoringSSL or AWS-LC install (include/, lib/)")

if(JVE_BORINGSSL_ROOT)
  find_path(BoringSSL_INCLUDE_DIR openssl/base.h PATHS "${JVE_BORINGSSL_ROOT}/include" NO_DEFAULT_PATH)
  find_library(BoringSSL_CRYPTO_LIBRARY NAMES libcrypto.a crypto
               PATHS "${JVE_BORINGSSL_ROOT}/lib" "${JVE_BORINGSSL_ROOT}/lib64" NO_DEFAULT_PATH)
  set(BoringSSL_FLAVOUR "source build at ${JVE_BORINGSSL_ROOT}")
else()
  find_path(BoringSSL_INCLUDE_DIR openssl/base.h PATHS /usr/include/android NO_DEFAULT_PATH)
  find_library(BoringSSL_CRYPTO_LIBRARY NAMES crypto
               PATHS "/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android" NO_DEFAULT_PATH)
  set(BoringSSL_FLAVOUR "Debian android-libboringssl")
  if(BoringSSL_CRYPTO_LIBRARY)
    message(WARNING
      "\n*** jve: using Debian's android-libboringssl binary. It is built with OPENSSL_SMALL:"
      "\n*** ES256 verification is 2-4x slower than with a BoringSSL built from source."
      "\n*** Run tools/build-boringssl.sh and pass -DJVE_BORINGSSL_ROOT=<its output>.\n")
  endif()
endif()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(BoringSSL REQUIRED_VARS BoringSSL_CRYPTO_LIBRARY BoringSSL_INCLUDE_DIR)

if(BoringSSL_FOUND AND NOT TARGET BoringSSL::Crypto)
  find_package(Threads REQUIRED)
  if(BoringSSL_CRYPTO_LIBRARY MATCHES "\\.a$")
    add_library(BoringSSL::Crypto STATIC IMPORTED)
  else()
    add_library(BoringSSL::Crypto SHARED IMPORTED)
  endif()
  set_target_properties(BoringSSL::Crypto PROPERTIES
    IMPORTED_LOCATION "${BoringSSL_CRYPTO_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${BoringSSL_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES Threads::Threads)
  message(STATUS "jve: BoringSSL from ${BoringSSL_FLAVOUR}: ${BoringSSL_CRYPTO_LIBRARY}")
endif()

# jve_warnings(target): our warnings, PRIVATE to our own targets only.
function(jve_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                           -Wimplicit-fallthrough)
endfunction()

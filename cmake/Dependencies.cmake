# Every dependency is found through pkg-config. A missing one stops configuration
# with one line naming the Debian package that provides it.
find_package(PkgConfig QUIET)
if(NOT PKG_CONFIG_FOUND)
  message(FATAL_ERROR "pkg-config not found: apt-get install pkg-config")
endif()

function(ringscope_require target module package)
  pkg_check_modules(${target} QUIET IMPORTED_TARGET ${module})
  if(NOT ${target}_FOUND)
    message(FATAL_ERROR "${module} not found: apt-get install ${package}")
  endif()
endfunction()

ringscope_require(JANSSON  jansson  libjansson-dev)
ringscope_require(CAPSTONE capstone libcapstone-dev)
ringscope_require(LIBELF   libelf   libelf-dev)
ringscope_require(SDL2     sdl2     libsdl2-dev)
if(RINGSCOPE_TESTS)
  ringscope_require(CHECK  check    check)
endif()

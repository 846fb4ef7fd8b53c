# Kernel source against the simulator (docs/kernel-code.md).
#
# uvmsim_kernel_library(<name> <module> <source>) builds a static library
# <name> from the library's module objects, with <source> (a kernel file,
# compiled unmodified) in place of the module <module> of UVMSIM_MODULES.
# The kernel file sees the compat headers (include/uvmsim/compat) first,
# and is compiled without warnings: it is old-style code that -Werror
# must not reject, and nobody here may edit it.  The kernel environment
# (src/compat/kern_compat.c) is linked in too.  Such libraries are for
# tests; they are not installed.
#
# UVMSIM_KERNEL_LOAN_SRC names the kernel uvm_loan.c of libuvmsim_kernloan
# and of the conformance tests (tests/conformance); by default NetBSD's
# revision 1.39 in ../shared/seeds, if it is there.

function(uvmsim_kernel_library name module src)
  if(NOT module IN_LIST UVMSIM_MODULES)
    message(FATAL_ERROR "uvmsim_kernel_library: ${module} is not one of "
      "UVMSIM_MODULES")
  endif()
  if(NOT TARGET mod_kern_compat)
    add_library(mod_kern_compat OBJECT src/compat/kern_compat.c)
    target_include_directories(mod_kern_compat PRIVATE
      ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(mod_kern_compat PRIVATE PkgConfig::LIBBSD)
    set_target_properties(mod_kern_compat PROPERTIES
      POSITION_INDEPENDENT_CODE ON)
  endif()

  get_filename_component(modname ${module} NAME)
  set(kobj kern_${name}_${modname})
  add_library(${kobj} OBJECT ${src})
  # The compat directory first: its sys/*.h and uvm/*.h stand for the
  # kernel's, ahead of the host's and libbsd's overlay.
  target_include_directories(${kobj} BEFORE PRIVATE
    ${PROJECT_SOURCE_DIR}/include/uvmsim/compat)
  target_include_directories(${kobj} PRIVATE
    ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/src
    ${PROJECT_SOURCE_DIR}/src/pmap_sim)
  target_link_libraries(${kobj} PRIVATE PkgConfig::LIBBSD)
  set_target_properties(${kobj} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  set_source_files_properties(${src} TARGET_DIRECTORY ${kobj}
    PROPERTIES COMPILE_OPTIONS "-w")

  set(objs $<TARGET_OBJECTS:${kobj}> $<TARGET_OBJECTS:mod_kern_compat>)
  foreach(mod IN LISTS UVMSIM_MODULES)
    if(NOT mod STREQUAL module)
      get_filename_component(n ${mod} NAME)
      list(APPEND objs $<TARGET_OBJECTS:mod_${n}>)
    endif()
  endforeach()
  add_library(${name} STATIC ${objs})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC PkgConfig::LIBBSD)
endfunction()

set(uvmsim_seed_loan "${PROJECT_SOURCE_DIR}/../shared/seeds/uvm_loan.c")
get_filename_component(uvmsim_seed_loan "${uvmsim_seed_loan}" ABSOLUTE)
if(NOT EXISTS "${uvmsim_seed_loan}")
  set(uvmsim_seed_loan "")
endif()
set(UVMSIM_KERNEL_LOAN_SRC "${uvmsim_seed_loan}" CACHE FILEPATH
  "Kernel uvm_loan.c for libuvmsim_kernloan and the conformance tests")

if(UVMSIM_KERNEL_LOAN_SRC AND EXISTS "${UVMSIM_KERNEL_LOAN_SRC}"
    AND NOT IS_DIRECTORY "${UVMSIM_KERNEL_LOAN_SRC}")
  get_filename_component(UVMSIM_KERNEL_LOAN_PATH
    "${UVMSIM_KERNEL_LOAN_SRC}" ABSOLUTE)
  # The hash of what is compiled, checked again by the conformance
  # checksum test; an edit of the file configures again.
  file(SHA256 "${UVMSIM_KERNEL_LOAN_PATH}" UVMSIM_KERNEL_LOAN_SHA256)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
    "${UVMSIM_KERNEL_LOAN_PATH}")
  uvmsim_kernel_library(uvmsim_kernloan uvm_loan "${UVMSIM_KERNEL_LOAN_PATH}")
  message(STATUS "uvmsim: kernel loan source ${UVMSIM_KERNEL_LOAN_PATH} "
    "(sha256 ${UVMSIM_KERNEL_LOAN_SHA256}): libuvmsim_kernloan")
else()
  message(STATUS "uvmsim: no kernel loan source (UVMSIM_KERNEL_LOAN_SRC="
    "\"${UVMSIM_KERNEL_LOAN_SRC}\" is not a file): libuvmsim_kernloan and "
    "the conformance tests are skipped")
endif()

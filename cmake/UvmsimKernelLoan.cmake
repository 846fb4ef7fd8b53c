# NetBSD's uvm_loan.c in place of the loan module (docs/kernel-code.md),
# in the build tree: libuvmsim_kernloan and the conformance tests.
#
# UVMSIM_KERNEL_LOAN_SRC names the kernel uvm_loan.c of libuvmsim_kernloan,
# of the conformance tests (tests/conformance) and of the install test
# (tests/install); by default NetBSD's revision 1.39 in ../shared/seeds,
# if it is there.

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

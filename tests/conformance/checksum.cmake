# checksum.cmake: was the kernel object compiled from the named file?
#
#   cmake -DOBJECT=<object> -DNAMED=<file> -DSHA256=<hash at configure>
#         -DLIBRARY=<archive> -DNATIVE=<src/uvm_loan.c> -P checksum.cmake
#
# The compiler records the path it was given in the object: every
# KASSERT, simple_lock and page queue lock of the kernel file passes
# __FILE__, and the debug information names the source.  So the file
# compiled is the one absolute path to a .c file among the object's
# strings.  It passes when:
#   1. there is exactly one such path (else: which file was it?);
#   2. that file's SHA-256 is the one taken at configure time, and the
#      named file's too: a copy, a patched file or a generated one in its
#      place, or an edit after configuring, fails here;
#   3. the library holds that object (the path is among its strings) and
#      not the native module (src/uvm_loan.c is not).
# It prints "checksum: ok" or "checksum: MISMATCH: <why>".
cmake_minimum_required(VERSION 3.25)

foreach(v OBJECT NAMED SHA256 LIBRARY NATIVE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "checksum: ${v} is not set")
  endif()
endforeach()

function(mismatch)
  string(JOIN "" msg ${ARGN})
  message("checksum: MISMATCH: ${msg}")
  message(FATAL_ERROR "checksum failed")
endfunction()

file(STRINGS "${OBJECT}" paths REGEX "^/[^\n]*\\.c$")
list(REMOVE_DUPLICATES paths)
list(LENGTH paths n)
if(n EQUAL 0)
  mismatch("no source path recorded in ${OBJECT}")
elseif(n GREATER 1)
  mismatch("${OBJECT} names ${n} source files: ${paths}")
endif()
set(compiled "${paths}")
if(NOT EXISTS "${compiled}")
  mismatch("the object was compiled from ${compiled}, which is gone")
endif()

file(SHA256 "${compiled}" compiled_sha)
file(SHA256 "${NAMED}" named_sha)
if(NOT compiled_sha STREQUAL SHA256)
  mismatch("the object was compiled from ${compiled} (sha256 "
    "${compiled_sha}), not from a file with the configured hash ${SHA256}")
endif()
if(NOT named_sha STREQUAL SHA256)
  mismatch("the named file ${NAMED} (sha256 ${named_sha}) is not what "
    "was configured and compiled (sha256 ${SHA256})")
endif()

file(STRINGS "${LIBRARY}" libpaths REGEX "^/[^\n]*\\.c$")
list(REMOVE_DUPLICATES libpaths)
if(NOT compiled IN_LIST libpaths)
  mismatch("${LIBRARY} does not hold the object compiled from ${compiled}")
endif()
get_filename_component(native "${NATIVE}" ABSOLUTE)
if(native IN_LIST libpaths AND NOT native STREQUAL compiled)
  mismatch("${LIBRARY} holds the native module ${native} too")
endif()

file(STRINGS "${OBJECT}" rcsid REGEX "\\$NetBSD: [^$]*\\$" LIMIT_COUNT 1)
message("checksum: ok: ${compiled} sha256 ${compiled_sha} ${rcsid}")

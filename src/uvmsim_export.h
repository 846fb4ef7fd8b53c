/*
 * uvmsim_export.h: which of the library's symbols a program linked with
 * libuvmsim.so sees.
 *
 * Every module is compiled with -fvisibility=hidden and with this header
 * forced in ahead of its own text (-include, CMakeLists.txt).  The public
 * headers are read here first, between the pragmas, so every function
 * they declare (the uvmsim_ API and the kernel names: uvm_*, amap_*,
 * pmap_*, _simple_lock, panic, ...) is declared with default visibility
 * before its definition, and keeps it.  Everything else the modules
 * define (uvmsim__ helpers, the libbsd tree functions, the pmap backends'
 * tables) is hidden: it links between the modules, in the shared library
 * and in the static archives, and a program cannot call it.
 *
 * What is exported therefore follows the public headers, and nothing
 * else does: a function added to a header of include/uvmsim is
 * exported, one declared in a private header is not.  The test symbols.exports checks
 * both halves against `nm -D` of the built library.
 */
#ifndef UVMSIM_EXPORT_H
#define UVMSIM_EXPORT_H

#pragma GCC visibility push(default)
#include <uvmsim/uvmsim.h>
#pragma GCC visibility pop

#endif /* UVMSIM_EXPORT_H */

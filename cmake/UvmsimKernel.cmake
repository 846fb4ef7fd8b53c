# Kernel source against the simulator (docs/kernel-code.md).
#
# uvmsim_kernel_library(<name> <module> <source>) builds a static library
# <name> from the library's module objects, with <source> (a kernel file,
# compiled unmodified) in place of the module <module> of UVMSIM_MODULES.
# The kernel file sees the compat headers (include/uvmsim/compat) first,
# then the public headers, and nothing of the library's sources: the
# compat layer reaches the machine through kern_glue.h.  It is compiled
# without warnings: it is old-style code that -Werror must not reject,
# and nobody here may edit it.  The kernel environment (the object of
# src/compat/kern_compat.c) is linked in too.
#
# The same file serves the build tree (CMakeLists.txt) and an installed
# copy (uvmsimConfig.cmake, after find_package(uvmsim)): each says where
# the module objects and the headers are in three global properties,
#   UVMSIM_KERNEL_MODULES	 the modules, as UVMSIM_MODULES names them
#   UVMSIM_KERNEL_TARGET_PREFIX	 "" or "uvmsim::": the object library
#				 of module <m> is <prefix>mod_<m>
#   UVMSIM_KERNEL_INCLUDE_DIR	 the directory that holds uvmsim/
# so that a harness may call the function from any directory.

function(uvmsim_kernel_library name module src)
  get_property(modules GLOBAL PROPERTY UVMSIM_KERNEL_MODULES)
  get_property(prefix GLOBAL PROPERTY UVMSIM_KERNEL_TARGET_PREFIX)
  get_property(incdir GLOBAL PROPERTY UVMSIM_KERNEL_INCLUDE_DIR)
  if(NOT module IN_LIST modules)
    message(FATAL_ERROR "uvmsim_kernel_library: ${module} is not one of "
      "the modules (${modules})")
  endif()
  if(NOT EXISTS "${src}" OR IS_DIRECTORY "${src}")
    message(FATAL_ERROR "uvmsim_kernel_library: ${src} is not a file")
  endif()

  get_filename_component(modname ${module} NAME)
  set(kobj kern_${name}_${modname})
  add_library(${kobj} OBJECT ${src})
  # The compat directory first: its sys/*.h and uvm/*.h stand for the
  # kernel's, ahead of the host's and libbsd's overlay.
  target_include_directories(${kobj} BEFORE PRIVATE ${incdir}/uvmsim/compat)
  target_include_directories(${kobj} PRIVATE ${incdir})
  target_link_libraries(${kobj} PRIVATE PkgConfig::LIBBSD)
  set_target_properties(${kobj} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  # -fwrapv: a count the kernel file lets overflow (1.39's loan counts,
  # docs/loan.md) wraps, as the tests expect of it, rather than being
  # undefined (and an UndefinedBehaviorSanitizer report in a sanitized
  # build).
  set_source_files_properties(${src} TARGET_DIRECTORY ${kobj}
    PROPERTIES COMPILE_OPTIONS "-w;-fwrapv")

  set(objs $<TARGET_OBJECTS:${kobj}>
    $<TARGET_OBJECTS:${prefix}mod_kern_compat>)
  foreach(mod IN LISTS modules)
    if(NOT mod STREQUAL module)
      get_filename_component(n ${mod} NAME)
      list(APPEND objs $<TARGET_OBJECTS:${prefix}mod_${n}>)
    endif()
  endforeach()
  add_library(${name} STATIC ${objs})
  target_include_directories(${name} PUBLIC ${incdir})
  target_link_libraries(${name} PUBLIC PkgConfig::LIBBSD)
endfunction()

# run.cmake: run one scenario with the uvmsim command and check what it
# must do, as its opening comment lines say:
#
#   # exit: N          the exit status (default 0)
#   # error: L:C: ...  standard error holds "<script>:L:C: ..." exactly,
#                      as one line
#   # golden: FILE     standard output equals FILE (beside the script)
#   # args: ...        options given to uvmsim run (a ;-list of words)
#   # command: SUB     check or dot rather than run
#   # stderr: TEXT     standard error holds TEXT somewhere
#   # stdout: TEXT     standard output holds TEXT somewhere (several
#                      such lines: each TEXT, in any order)
#   # env: VAR=VALUE   run with VAR set so (@DIR@ in VALUE: the
#                      script's directory)
#   # path: P          give uvmsim P as the scenario file (- with
#                      input:, or a file that is not there)
#   # absent: FILE     no FILE is left in the working directory
#   # input: FILE      standard input is FILE (beside the script)
#
# cmake -DUVMSIM=<command> -DSCRIPT=<file> [-DGOLDEN=<file>]
#       [-DVALGRIND=<valgrind>] [-DJSON=<python3>] [-DARCH=<arch>]
#       -P run.cmake
#
# GOLDEN given on the command line is compared as the directive's, SUB
# (-DSUB=compare) is the subcommand instead of the directive's, ARGS (a
# ;-list) are options added to the directive's; ARCH
# runs the script with --arch ARCH and compares its output with the
# architecture's own golden file, FILE's name with .ARCH before .out
# (show.alpha.out): addresses of pages, frame numbers and page tables
# are the architecture's own, so each has its golden copy, which must
# exist;
# VALGRIND runs the command under memcheck, which must report nothing;
# JSON pipes the output (of --format json) through python3 -m json.tool.
# Files of the comparison are written to the working directory.
cmake_minimum_required(VERSION 3.25)

set(exit_want 0)
set(error_want "")
set(args "")
set(sub run)
set(stderr_want "")
set(env "")
set(WRAP "")
if(VALGRIND)
  set(WRAP ${VALGRIND} --error-exitcode=99 --leak-check=full
    --show-leak-kinds=all --errors-for-leak-kinds=all --quiet)
endif()
get_filename_component(name ${SCRIPT} NAME_WE)
# The directives, from the opening lines (read whole: a line may hold
# brackets and semicolons, which a CMake list would take apart).
file(READ ${SCRIPT} head LIMIT 2048)
foreach(d exit error golden args command stderr stdout env absent input
    path)
  if(head MATCHES "(^|\n)# ${d}: ([^\n]*)")
    set(d_${d} "${CMAKE_MATCH_2}")
  endif()
endforeach()
if(DEFINED d_exit)
  set(exit_want ${d_exit})
endif()
if(DEFINED d_error)
  set(error_want "${d_error}")
endif()
if(DEFINED d_golden)
  get_filename_component(dir ${SCRIPT} DIRECTORY)
  set(GOLDEN ${dir}/${d_golden})
endif()
if(DEFINED d_args)
  separate_arguments(args UNIX_COMMAND "${d_args}")
endif()
if(ARCH)
  list(PREPEND args --arch ${ARCH})
  if(GOLDEN)
    string(REGEX REPLACE "\\.out$" ".${ARCH}.out" GOLDEN ${GOLDEN})
    if(NOT EXISTS ${GOLDEN})
      message(FATAL_ERROR "no golden output for ${ARCH}: ${GOLDEN}")
    endif()
  endif()
endif()
if(DEFINED d_command)
  set(sub ${d_command})
endif()
if(SUB)				# the command line's, over the script's
  set(sub ${SUB})
endif()
if(ARGS)			# the command line's, after the script's
  list(APPEND args ${ARGS})
endif()
if(DEFINED d_stderr)
  set(stderr_want "${d_stderr}")
endif()
if(DEFINED d_env)
  get_filename_component(dir ${SCRIPT} DIRECTORY)
  string(REPLACE "@DIR@" "${dir}" d_env "${d_env}")
  set(env ${CMAKE_COMMAND} -E env "${d_env}")
endif()
set(path ${SCRIPT})
if(DEFINED d_path)
  set(path "${d_path}")
endif()

if(DEFINED d_absent)
  file(WRITE ${d_absent} "left by an earlier run\n")
endif()
set(input)
if(DEFINED d_input)
  get_filename_component(dir ${SCRIPT} DIRECTORY)
  set(input INPUT_FILE ${dir}/${d_input})
endif()
execute_process(COMMAND ${env} ${WRAP} ${UVMSIM} ${sub} ${args} ${path}
  ${input} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc STREQUAL exit_want)
  message(FATAL_ERROR "exit status ${rc}, expected ${exit_want}\n"
    "stdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT error_want STREQUAL "")
  string(FIND "${err}" "${SCRIPT}:${error_want}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "standard error lacks the line\n"
      "${SCRIPT}:${error_want}\nstderr:\n${err}")
  endif()
elseif(exit_want EQUAL 0 AND NOT err STREQUAL "" AND stderr_want STREQUAL "")
  message(FATAL_ERROR "standard error is not empty:\n${err}")
endif()
if(NOT stderr_want STREQUAL "")
  string(FIND "${err}" "${stderr_want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "standard error lacks\n${stderr_want}\n"
      "stderr:\n${err}")
  endif()
endif()
if(DEFINED d_absent AND EXISTS ${d_absent})
  message(FATAL_ERROR "${d_absent} was left behind")
endif()
string(REGEX MATCHALL "(^|\n)# stdout: [^\n]*" stdout_lines "${head}")
foreach(line IN LISTS stdout_lines)
  string(REGEX REPLACE "^\n?# stdout: " "" want "${line}")
  string(FIND "${out}" "${want}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "standard output lacks\n${want}\n"
      "stdout:\n${out}")
  endif()
endforeach()
if(WRAP AND err MATCHES "==[0-9]+==")
  message(FATAL_ERROR "memcheck reports:\n${err}")
endif()
if(GOLDEN)
  file(READ ${GOLDEN} want)
  if(NOT out STREQUAL want)
    file(WRITE ${name}.got "${out}")
    execute_process(COMMAND diff -u ${GOLDEN} ${name}.got
      OUTPUT_VARIABLE diff)
    message(FATAL_ERROR "standard output differs from ${GOLDEN} "
      "(it is in ${name}.got):\n${diff}")
  endif()
endif()
if(JSON)
  file(WRITE ${name}.json "${out}")
  execute_process(COMMAND ${JSON} -m json.tool ${name}.json
    RESULT_VARIABLE jrc OUTPUT_QUIET ERROR_VARIABLE jerr)
  if(NOT jrc EQUAL 0)
    message(FATAL_ERROR "the JSON output does not parse: ${jerr}\n${out}")
  endif()
endif()
message(STATUS "${SCRIPT}: ok")

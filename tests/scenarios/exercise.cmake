# exercise.cmake: uvmsim quiz --topic, the exercises made from a seed.
#
#   cmake -DUVMSIM=<command> -DSRC=<tests/scenarios> [-DARCH=<arch>]
#         [-DVALGRIND=<valgrind>] -P exercise.cmake
#
# Without ARCH: for each topic, the exercise of seed 7 without and with
# -c equals its golden copy (exercise.TOPIC.out, exercise.TOPIC.key.out)
# and a second run prints the same bytes; a topic, a seed or options it
# does not take give exit status 2 and a message naming them.  With
# ARCH: each topic and a few seeds run on that architecture without
# error, and the answers of -c are those `uvmsim run` of the
# --print-script text prints at its asks.  With VALGRIND: each topic,
# with -c and with --print-script, under memcheck, which must report
# nothing.
cmake_minimum_required(VERSION 3.25)

set(topics translate cow loan pageout)

function(uvmsim_run rc_var out_var)
  execute_process(COMMAND ${UVMSIM} ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT err STREQUAL "" AND rc EQUAL 0)
    message(FATAL_ERROR "uvmsim ${ARGN}: standard error:\n${err}")
  endif()
  set(${rc_var} ${rc} PARENT_SCOPE)
  set(${out_var} "${out}${err}" PARENT_SCOPE)
endfunction()

if(VALGRIND)
  foreach(t IN LISTS topics)
    foreach(opt -c --print-script)
      execute_process(COMMAND ${VALGRIND} --error-exitcode=99
        --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all
        --quiet ${UVMSIM} quiz --topic ${t} --seed 7 ${opt}
        RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
      if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
        message(FATAL_ERROR "memcheck of quiz --topic ${t} ${opt}: exit "
          "${rc}\n${err}")
      endif()
    endforeach()
  endforeach()
elseif(NOT ARCH)
  foreach(t IN LISTS topics)
    foreach(key "" "-c")
      set(golden ${SRC}/exercise.${t}.out)
      if(key)
        set(golden ${SRC}/exercise.${t}.key.out)
      endif()
      uvmsim_run(rc out quiz --topic ${t} --seed 7 ${key})
      uvmsim_run(rc2 out2 quiz --topic ${t} --seed 7 ${key})
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "quiz --topic ${t} ${key}: exit ${rc}\n${out}")
      endif()
      if(NOT out STREQUAL out2)
        message(FATAL_ERROR "quiz --topic ${t} ${key}: two runs differ:\n"
          "${out}\n----\n${out2}")
      endif()
      file(READ ${golden} want)
      if(NOT out STREQUAL want)
        get_filename_component(g ${golden} NAME)
        file(WRITE ${g}.got "${out}")
        execute_process(COMMAND diff -u ${golden} ${g}.got
          OUTPUT_VARIABLE diff)
        message(FATAL_ERROR "quiz --topic ${t} ${key} differs from "
          "${golden}:\n${diff}")
      endif()
    endforeach()
  endforeach()
  # Another seed, another exercise.
  uvmsim_run(rc a quiz --topic cow --seed 7)
  uvmsim_run(rc b quiz --topic cow --seed 8)
  if(a STREQUAL b)
    message(FATAL_ERROR "seeds 7 and 8 make the same exercise")
  endif()
  # Usage errors: exit 2 and what was wrong.
  foreach(case
      "--topic;paging;--seed;1|unknown topic 'paging': expected translate, cow, loan or pageout"
      "--topic;cow;--seed;x1|--seed: bad number 'x1'"
      "--topic;cow;--seed;-3|--seed: bad number '-3'"
      "--topic;cow|quiz --topic cow: expected --seed N"
      "--topic;cow;--seed;1;--answers|--answers: not for quiz --topic"
      "--topic;cow;--seed;1;extra.scen|unexpected 'extra.scen'"
      "-c;--seed;1|-c: for an exercise, with --topic"
      "--print-script;--seed;1|--print-script: for an exercise, with --topic"
      "--topic;cow;--seed;1;--format;json|--format: not for quiz --topic"
      "--topic;cow;--seed;1;--keep-going|--keep-going: not for quiz --topic"
      "--topic;cow;--seed;1;--trace|--trace: not for quiz --topic"
      "--topic;cow;--seed;1;--quiet|--quiet: not for quiz --topic"
      "--topic;cow;--seed;1;--at;2|--at, -o and -T are for dot, not quiz"
      "--topic;cow;--seed;1;-o;x.dot|--at, -o and -T are for dot, not quiz"
      "--topic;cow;--seed;1;-T;svg|--at, -o and -T are for dot, not quiz")
    string(REPLACE "|" ";" parts "${case}")
    list(POP_BACK parts msg)
    uvmsim_run(rc out quiz ${parts})
    if(NOT rc EQUAL 2)
      message(FATAL_ERROR "quiz ${parts}: exit ${rc}, expected 2\n${out}")
    endif()
    string(FIND "${out}" "${msg}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "quiz ${parts}: no message\n${msg}\n:\n${out}")
    endif()
  endforeach()
  uvmsim_run(rc out run --topic cow --seed 1 x.scen)
  if(NOT rc EQUAL 2 OR NOT out MATCHES "--topic is for quiz")
    message(FATAL_ERROR "run --topic: exit ${rc}\n${out}")
  endif()
  uvmsim_run(rc out run -c --seed 1 x.scen)
  if(NOT rc EQUAL 2 OR NOT out MATCHES "-c is for quiz")
    message(FATAL_ERROR "run -c: exit ${rc}\n${out}")
  endif()
  uvmsim_run(rc out --print-script --topic cow --seed 1)
  if(NOT rc EQUAL 2 OR NOT out MATCHES "--topic is for quiz")
    message(FATAL_ERROR "--topic, no subcommand: exit ${rc}\n${out}")
  endif()
  uvmsim_run(rc out dot --print-script x.scen)
  if(NOT rc EQUAL 2 OR NOT out MATCHES "--print-script is for quiz")
    message(FATAL_ERROR "dot --print-script: exit ${rc}\n${out}")
  endif()
else()
  foreach(t IN LISTS topics)
    foreach(seed 1 7 2026)
      uvmsim_run(rc key quiz --arch ${ARCH} --topic ${t} --seed ${seed} -c)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "quiz --arch ${ARCH} --topic ${t} --seed "
          "${seed} -c: exit ${rc}\n${key}")
      endif()
      uvmsim_run(rc text quiz --topic ${t} --seed ${seed} --print-script)
      file(WRITE ${t}.${seed}.scen "${text}")
      uvmsim_run(rc run run --arch ${ARCH} ${t}.${seed}.scen)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "run of the printed script: exit ${rc}\n${run}")
      endif()
      string(REGEX MATCHALL "   answer: [^\n]*" want "${key}")
      string(REGEX MATCHALL "\nanswer: [^\n]*" got "${run}")
      list(TRANSFORM want REPLACE "^   answer: " "")
      list(TRANSFORM got REPLACE "^\nanswer: " "")
      list(LENGTH want n)
      if(n EQUAL 0 OR NOT want STREQUAL got)
        message(FATAL_ERROR "${t} seed ${seed} on ${ARCH}: -c answers "
          "'${want}', uvmsim run answers '${got}'")
      endif()
    endforeach()
  endforeach()
endif()
message(STATUS "exercise.cmake ${ARCH}: ok")

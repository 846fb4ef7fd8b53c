# mutate.cmake: write a mutant of the native loan module, for the
# differential test to catch (tests/conformance/CMakeLists.txt).
#
#   cmake -DIN=src/uvm_loan.c -DOUT=<file> -DMUTANT=<name> -P mutate.cmake
#
# Each mutant takes away a lock that 1.39 holds, where no assertion of the
# library notices:
#   unloananon_nolock	uvm_unloananon drops an anon's reference without
#			the anon's lock
#   kernloan_pageq	loan_count_up counts the loan and takes write access
#			from the page's mappings before it takes the page
#			queues' lock (held only around the queue change)
# The text replaced must be found exactly once, or the script fails: a
# change of the module that moves it must move the mutant too.
if(MUTANT STREQUAL "unloananon_nolock")
  set(from "		simple_lock(&anon->an_lock);
		KASSERT(anon->an_ref > 0 && anon->an_loans > 0);
		anon->an_loans--;
		refs = --anon->an_ref;
		simple_unlock(&anon->an_lock);
")
  set(to "		KASSERT(anon->an_ref > 0 && anon->an_loans > 0);
		anon->an_loans--;
		refs = --anon->an_ref;
")
elseif(MUTANT STREQUAL "kernloan_pageq")
  set(from "	uvm_lock_pageq();
	/* locked: owner, page queues */
	KASSERT(pg->wire_count == 0);
	loan_wrapcheck(m, pg);
	if (pg->loan_count == 0)
		pmap_page_protect(pg, VM_PROT_READ);	/* no writer now */
	pg->loan_count += 1;
	if (tokernel)
		pg->kloan_count += 1;
")
  set(to "	KASSERT(pg->wire_count == 0);
	loan_wrapcheck(m, pg);
	if (pg->loan_count == 0)
		pmap_page_protect(pg, VM_PROT_READ);	/* no writer now */
	pg->loan_count += 1;
	if (tokernel)
		pg->kloan_count += 1;
	uvm_lock_pageq();
")
else()
  message(FATAL_ERROR "mutate.cmake: MUTANT: unknown mutant \"${MUTANT}\"")
endif()

file(READ "${IN}" text)
string(FIND "${text}" "${from}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "mutate.cmake: ${MUTANT}: the text to replace is "
    "not in ${IN}")
endif()
string(REPLACE "${from}" "${to}" mutant "${text}")
string(LENGTH "${text}" n0)
string(LENGTH "${from}" nf)
string(LENGTH "${to}" nt)
string(LENGTH "${mutant}" n1)
math(EXPR want "${n0} - ${nf} + ${nt}")
if(NOT n1 EQUAL want)
  message(FATAL_ERROR "mutate.cmake: ${MUTANT}: the text to replace is "
    "in ${IN} more than once")
endif()
file(WRITE "${OUT}.tmp" "${mutant}")
configure_file("${OUT}.tmp" "${OUT}" COPYONLY)
file(REMOVE "${OUT}.tmp")

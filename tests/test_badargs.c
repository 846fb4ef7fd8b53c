/*
 * test_badargs.c: bad arguments to the public API, one test for each
 * class the fuzz target tests/fuzz/fuzz_api.c met and a call once got
 * wrong: each call must return its errno value with a message naming
 * the argument, and leave the machine as it was: the checker clean, the
 * event clock (which every state change advances) unmoved, contents
 * unchanged.
 *
 * Every test makes its machine with one process (tu_proc_setup), checks
 * after each step and frees everything, so Valgrind sees no leak.
 */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NFRAMES	32

struct badargs {
	struct uvmsim_machine *m;
	struct proc	*p;
	struct vm_map	*map;
	size_t		ps;
};

static int
setup(void **state)
{
	struct badargs *t = calloc(1, sizeof(*t));

	assert_non_null(t);
	t->m = tu_proc_setup(NFRAMES, &t->p, &t->map, &t->ps);
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct badargs *t = *state;

	tu_proc_teardown(t->m, t->p, TU_ANONS_FREE);
	free(t);
	return 0;
}

/* REFUSED(m, call, errno, text): call returns errno, with text in the
 * message, and the event clock does not move; the checker runs. */
#define REFUSED(m, call, err, text) do {				\
	uint64_t clk_ = uvmsim_clock(m);				\
									\
	assert_int_equal((call), (err));				\
	if (strstr(uvmsim_last_error(), (text)) == NULL)		\
		fail_msg("%s:%d: message \"%s\" lacks \"%s\"", __FILE__,	\
		    __LINE__, uvmsim_last_error(), (text));		\
	assert_int_equal(uvmsim_clock(m), clk_);			\
	CHECK(m);							\
} while (0)

/*
 * A file larger than the host's memory is refused before its store is
 * asked of the host (a sanitizer's allocator aborts on a request that
 * large, where malloc would fail).
 */
static void
test_file_size_past_host(void **state)
{
	struct badargs *t = *state;
	struct uvm_object *u = (struct uvm_object *)t;

	REFUSED(t->m, uvmsim_file_create(t->m, SIZE_MAX / 4, &u), ENOMEM,
	    "uvmsim_file_create: size: ");
	assert_null(u);
	REFUSED(t->m, uvmsim_file_create(t->m, SIZE_MAX / 4, &u), ENOMEM,
	    "more than the host's memory");
}

/*
 * uvm_map of a map of another machine panics, as every map operation
 * does at the map's lock, before it allocates its entry (it leaked).
 */
static void
test_map_other_machine(void **state)
{
	struct badargs *t = *state;
	struct uvmsim_machine *m2;
	struct proc *p2;
	struct vm_map *map2;
	vaddr_t va;
	uint64_t clk2;

	m2 = tu_proc_setup(NFRAMES, &p2, &map2, NULL);
	uvmsim_machine_leave(m2);
	/* current: t->m */
	va = uvmsim_vmparam(m2)->user_min;
	clk2 = uvmsim_clock(m2);
	EXPECT_PANIC(t->m, uvm_map(map2, &va, t->ps, NULL, 0, 0,
	    UVM_MAPFLAG(VM_PROT_ALL, VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED)), "uvm_map: map ");
	assert_int_equal(uvmsim_clock(m2), clk2);
	assert_int_equal(map2->nentries, 0);
	CHECK(m2);
	CHECK(t->m);
	uvmsim_machine_enter(m2);
	tu_proc_teardown(m2, p2, TU_ANONS_FREE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_file_size_past_host),
		TU_TEST(test_map_other_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

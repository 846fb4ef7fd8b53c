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

/*
 * Every class of bad argument the fuzz target draws, once each, against
 * a process with one page written: each call is refused with its errno
 * and a message naming the argument, the clock does not move, the
 * checker is clean and the page still reads what was written.
 *
 *	va:  [ page: 0x5a5a... ]
 */
static void
test_bad_classes(void **state)
{
	struct badargs *t = *state;
	struct uvmsim_machine *m2;
	struct proc *p2;
	struct vmspace *vs = t->p->p_vmspace;
	const struct uvmsim_vmparam *vp = uvmsim_vmparam(t->m);
	vaddr_t va = vp->user_min, top = vp->user_max;
	uint64_t val = 0;
	uint8_t buf[16];
	struct uvm_object *u = NULL;

	tu_map_anon(t->m, t->map, va, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(t->m, 0, vs, va, 8, 0x5a5a5a5a5a5a5a5a),
	    0);
	CHECK(t->m);
	assert_int_equal(uvmsim_file_create(t->m, t->ps, &u), 0);
	CHECK(t->m);

	/* unaligned address, length overflowing the range, address wrap */
	REFUSED(t->m, uvmsim_load(t->m, 0, vs, va + 1, 8, &val), EINVAL,
	    "va");
	REFUSED(t->m, uvm_map_protect(t->map, va + 1, va + t->ps,
	    VM_PROT_READ, FALSE), EINVAL, "not page aligned");
	REFUSED(t->m, uvmsim_copyin(t->m, 0, vs, top - t->ps, buf,
	    2 * t->ps), EFAULT, "uaddr");
	REFUSED(t->m, uvmsim_copyout(t->m, 0, vs, buf, va, SIZE_MAX), EFAULT,
	    "uaddr");
	REFUSED(t->m, uvm_map_inherit(t->map, va, va - t->ps,
	    MAP_INHERIT_SHARE), EINVAL, "not page aligned");
	REFUSED(t->m, uvmsim_file_write(t->m, u, 8, buf, SIZE_MAX - 4),
	    EINVAL, "len");
	/* unknown flags */
	va = vp->user_min + 4 * t->ps;
	REFUSED(t->m, uvm_map(t->map, &va, t->ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_ALL, VM_PROT_ALL, UVM_INH_COPY,
	    UVM_ADV_NORMAL, 0x80000000u)), EINVAL, "flags");
	va = vp->user_min;
	REFUSED(t->m, uvmsim_trace_set(t->m, 0x80000000u), EINVAL, "");
	REFUSED(t->m, uvmsim_print_state_flags(t->m, stderr, 0x80), EINVAL,
	    "flags");
	/* NULL pointers */
	REFUSED(t->m, uvmsim_load(t->m, 0, vs, va, 8, NULL), EINVAL, "valp");
	REFUSED(t->m, uvmsim_copyin(t->m, 0, vs, va, NULL, 8), EINVAL,
	    "kbuf");
	REFUSED(t->m, uvmsim_proc_fork(t->m, NULL, &p2), EINVAL, "parent");
	REFUSED(t->m, uvmsim_file_read(t->m, u, 0, NULL, 8), EINVAL, "buf");
	/* a process and an address space of another machine */
	m2 = tu_proc_setup(NFRAMES, &p2, NULL, NULL);
	uvmsim_machine_leave(m2);
	REFUSED(t->m, uvmsim_load(t->m, 0, p2->p_vmspace, va, 8, &val),
	    EINVAL, "another machine");
	REFUSED(t->m, uvmsim_proc_fork(t->m, p2, &p2), EINVAL, "parent");
	CHECK(m2);
	uvmsim_machine_enter(m2);
	tu_proc_teardown(m2, p2, TU_ANONS_FREE);

	/* contents unchanged */
	assert_int_equal(uvmsim_load(t->m, 0, vs, va, 8, &val), 0);
	assert_true(val == 0x5a5a5a5a5a5a5a5a);
	CHECK(t->m);
	u->pgops->pgo_detach(u);
	uvm_unmap(t->map, va, va + t->ps);
	CHECK(t->m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_file_size_past_host),
		TU_TEST(test_map_other_machine),
		TU_TEST(test_bad_classes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_frame.c: the frame module (uvmsim_frame.c): which copy is built,
 * that a copy and a zero write every byte of the frame, and that a
 * machine handed to another thread with a plain mutex shows it every
 * byte the copies wrote (the sse2 copy's non-temporal stores are fenced
 * before the mutex is let go).
 */
#include "testutil.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "uvmsim_frame.h"

#define NPG		64		/* pages copied by the other thread */
#define REGION		0x100000UL

/* The copy the build chose (tests/CMakeLists.txt passes the option). */
static void
test_copy_routine(void **state)
{
	(void)state;
	assert_string_equal(uvmsim__frame_copy_routine(),
	    UVMSIM_TEST_FRAME_COPY);
}

/* uvm_pagecopy copies every byte; uvm_pagezero zeroes every byte. */
static void
test_copy_zero_every_byte(void **state)
{
	struct uvmsim_machine *m = tu_machine_phys(8);
	struct vm_page *src, *dst;

	(void)state;
	src = uvm_pagealloc(NULL, 0, NULL, 0);
	dst = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(src);
	assert_non_null(dst);
	tu_fill(m, src, 7);
	tu_fill(m, dst, 8);
	CHECK(m);
	uvm_pagecopy(src, dst);
	CHECK(m);
	assert_true(tu_verify(m, dst, 7));
	assert_true(tu_verify(m, src, 7));
	uvm_pagezero(src);
	CHECK(m);
	assert_true(tu_is_zero(m, src));
	assert_true(tu_verify(m, dst, 7));
	tu_pagefree(src);
	tu_pagefree(dst);
	CHECK(m);
	tu_destroy(m);
}

/* What the MMU's bracket looked like at the events of an access: at the
 * end of the fault, and at the TLB fill of the retry that follows it. */
struct fence_seen {
	int	done_defer, done_unfenced;	/* at UVMSIM_EV_FAULT_DONE */
	int	fill_defer, fill_unfenced;	/* at the next UVMSIM_EV_TLB_FILL */
	bool	faulted;
};

static void
fence_watch(struct uvmsim_machine *m, const struct uvmsim_event *ev,
    void *arg)
{
	struct fence_seen *fs = arg;

	if (ev->type == UVMSIM_EV_FAULT_DONE) {
		fs->done_defer = m->frame_defer;
		fs->done_unfenced = m->frame_unfenced;
		fs->faulted = true;
	} else if (ev->type == UVMSIM_EV_TLB_FILL && fs->faulted &&
	    fs->fill_defer < 0) {
		fs->fill_defer = m->frame_defer;
		fs->fill_unfenced = m->frame_unfenced;
	}
}

/*
 * A copy inside an access of the MMU (its fault's copy) leaves its fence
 * to the end of the access: still owed, and put off, when the fault
 * returns and when the retry fills the TLB; when the store returns,
 * nothing is left unfenced.  A kernel copy outside such an access fences
 * at once; one made while an access puts the fence off is marked, and
 * uvmsim__frame_settle makes the fence.  The checker reports a fence
 * still owed (frame.fence).
 */
static void
test_fence_put_off(void **state)
{
	struct fence_seen fs = { -1, -1, -1, -1, false };
	struct uvmsim_machine *m = tu_machine(64);
	struct proc *parent, *child;
	struct vm_page *src, *dst;
	size_t ps = uvmsim_page_size(m);
	vaddr_t va = REGION;
	uint64_t v;

	(void)state;
	assert_int_equal(uvmsim_proc_create(m, &parent), 0);
	assert_int_equal(uvm_map(&parent->p_vmspace->vm_map, &va, ps, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW)), 0);
	assert_int_equal(uvmsim_store(m, 0, parent->p_vmspace, REGION + 8, 8,
	    0x1122334455667788ULL), 0);
	assert_int_equal(uvmsim_proc_fork(m, parent, &child), 0);
	CHECK(m);
	/* The child's store copies the page inside the fault. */
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_FAULT |
	    UVMSIM_TRACE_TLB), 0);
	uvmsim_trace_callback(m, fence_watch, &fs);
	assert_int_equal(uvmsim_store(m, 0, child->p_vmspace, REGION, 8, 5), 0);
	uvmsim_trace_callback(m, NULL, NULL);
	assert_int_equal(uvmsim_trace_set(m, 0), 0);
	assert_true(fs.faulted);
	assert_int_equal(fs.done_defer, 1);
	assert_int_equal(fs.done_unfenced, 1);
	assert_int_equal(fs.fill_defer, 1);
	assert_int_equal(fs.fill_unfenced, 1);
	assert_false(m->frame_defer);
	assert_false(m->frame_unfenced);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, child->p_vmspace, REGION + 8, 8,
	    &v), 0);
	assert_true(v == 0x1122334455667788ULL);

	src = uvm_pagealloc(NULL, 0, NULL, 0);
	dst = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(src);
	assert_non_null(dst);
	tu_fill(m, src, 3);
	uvm_pagecopy(src, dst);
	assert_false(m->frame_unfenced);
	m->frame_defer = true;		/* (as inside a fault) */
	uvm_pagecopy(src, dst);
	assert_true(m->frame_unfenced);
	CHECK(m);			/* (owed, and put off: no problem) */
	uvmsim__frame_settle(m);
	assert_false(m->frame_defer);
	assert_false(m->frame_unfenced);
	assert_true(tu_verify(m, dst, 3));
	CHECK(m);
	m->frame_unfenced = true;	/* owed, and nothing puts it off */
	tu_expect_problem(m, "frame.fence", "frame_unfenced", __LINE__);
	m->frame_defer = true;
	uvmsim_machine_leave(m);	/* (settles) */
	uvmsim_machine_enter(m);
	assert_false(m->frame_defer);
	assert_false(m->frame_unfenced);
	CHECK(m);

	tu_pagefree(src);
	tu_pagefree(dst);
	uvmsim_proc_exit(m, child);
	uvmsim_proc_exit(m, parent);
	CHECK(m);
	tu_destroy(m);
}

/* The byte at offset off of page i of the parent's region. */
static uint8_t
pattern(size_t i, size_t off)
{
	return (uint8_t)(i * 131 + off * 7 + (off >> 8));
}

struct handover {
	struct uvmsim_machine *m;
	struct proc	*child;
	size_t		ps;
	pthread_mutex_t	mu;
	int		done;		/* [mu] the copies are made */
	int		error;		/* [mu] a store failed */
};

/*
 * copier: in the machine on this thread, the child writes the last word
 * of each page: every page is copied (copy-on-write).  Then the machine
 * is handed back by unlocking the mutex.
 */
static void *
copier(void *arg)
{
	struct handover *h = arg;
	size_t i;
	int error = 0;

	pthread_mutex_lock(&h->mu);
	uvmsim_machine_enter(h->m);
	for (i = 0; i < NPG && error == 0; i++)
		error = uvmsim_store(h->m, 0, h->child->p_vmspace,
		    REGION + i * h->ps + h->ps - 8, 8, ~(uint64_t)i);
	uvmsim_machine_leave(h->m);
	h->error = error;
	h->done = 1;
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

static void
test_handover_two_threads(void **state)
{
	struct uvmsim_machine *m = tu_machine(4 * NPG + 256);
	struct handover h;
	struct proc *parent;
	struct uvmexp *exp = uvmsim_uvmexp(m);
	uint8_t *buf;
	pthread_t t;
	vaddr_t va = REGION;
	size_t i, off;
	uint64_t last;
	int copies;

	(void)state;
	h.m = m;
	h.ps = uvmsim_page_size(m);
	h.done = h.error = 0;
	assert_int_equal(pthread_mutex_init(&h.mu, NULL), 0);
	buf = malloc(h.ps);
	assert_non_null(buf);

	/*
	 * parent:  [REGION, +NPG pages)  private anon, every byte written
	 * child:   forked; shares every page copy-on-write
	 */
	assert_int_equal(uvmsim_proc_create(m, &parent), 0);
	assert_int_equal(uvm_map(&parent->p_vmspace->vm_map, &va,
	    NPG * h.ps, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW)), 0);
	for (i = 0; i < NPG; i++) {
		for (off = 0; off < h.ps; off++)
			buf[off] = pattern(i, off);
		assert_int_equal(uvmsim_copyout(m, 0, parent->p_vmspace,
		    buf, REGION + i * h.ps, h.ps), 0);
	}
	CHECK(m);
	assert_int_equal(uvmsim_proc_fork(m, parent, &h.child), 0);
	CHECK(m);
	copies = exp->flt_acow;

	/* The other thread makes the copies; this one waits for the
	 * mutex to say so. */
	uvmsim_machine_leave(m);
	assert_int_equal(pthread_create(&t, NULL, copier, &h), 0);
	for (;;) {
		pthread_mutex_lock(&h.mu);
		if (h.done)
			break;
		pthread_mutex_unlock(&h.mu);
		sched_yield();
	}
	/* Every byte of every copy, read on this thread, mutex held. */
	uvmsim_machine_enter(m);
	assert_int_equal(h.error, 0);
	for (i = 0; i < NPG; i++) {
		assert_int_equal(uvmsim_copyin(m, 0, h.child->p_vmspace,
		    REGION + i * h.ps, buf, h.ps), 0);
		for (off = 0; off < h.ps - 8; off++)
			if (buf[off] != pattern(i, off))
				fail_msg("page %zu byte %zu: %#x, not %#x", i,
				    off, buf[off], pattern(i, off));
		memcpy(&last, buf + h.ps - 8, 8);
		assert_true(last == ~(uint64_t)i);
	}
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(pthread_join(t, NULL), 0);
	CHECK(m);
	/* Each page was copied, not handed over. */
	assert_int_equal(exp->flt_acow - copies, NPG);

	uvmsim_proc_exit(m, h.child);
	uvmsim_proc_exit(m, parent);
	CHECK(m);
	pthread_mutex_destroy(&h.mu);
	free(buf);
	tu_destroy(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_routine),
		cmocka_unit_test(test_copy_zero_every_byte),
		cmocka_unit_test(test_fence_put_off),
		cmocka_unit_test(test_handover_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

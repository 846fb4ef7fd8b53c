/*
 * test_loan_mutants.c: loan paths that the other loan suites reach without
 * looking at what a fault there would change: each test here is the one
 * that tells a mutant of tests/mutation/mutants.txt (scripts/mutate) from
 * the code, and names it (fixtures: testloan.h).
 */
#include <errno.h>

#include "testloan.h"

/*
 * borrow_into_vb: the anon borrows the file page mapped at VA (an O->A
 * loan; anons[0] gets it), and goes into slot 0 of a two-page amap at VB
 * with a reference of its own (page 1 written to make the amap).  Both
 * the loan's reference and the slot's are the anon's; the checker is
 * clean after each step.
 */
static struct vm_anon *
borrow_into_vb(struct vm_anon **anons)
{
	struct vm_map_entry *entry;
	struct vm_anon *a;

	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	a = anons[0];
	CHECK(m);
	map_anon(VB, 2);
	put(VB + ps, 1);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VB, &entry));
	simple_lock(&a->an_lock);
	a->an_ref++;
	simple_unlock(&a->an_lock);
	amap_lock(entry->aref.ar_amap);
	amap_add(&entry->aref, 0, a, FALSE);
	amap_unlock(entry->aref.ar_amap);
	vm_map_unlock_read(map);
	CHECK(m);
	return a;
}

/*
 * A->K of a page an anon borrowed from another object (loan.lock.8): the
 * anon layer locks the page's object to lend it, and must let it go
 * again; the entry being lent has no object of its own.  The file's next
 * fault takes the object's lock: a lock left held panics there.
 *
 *	VA: file f, private         page 0 -> pg
 *	VB: anonymous, amap         slot 0: A -> pg (borrowed from f)
 */
static void
test_borrowed_anon_to_kernel(void **state)
{
	struct uvm_object *f = map_file(VA, 2, 1, 140);
	struct vm_anon *anons[1], *a;
	struct vm_page *pgs[1], *pg;
	uint64_t v;

	(void)state;
	ONLY_139("the anon borrows a file page (object-to-anon)");
	a = borrow_into_vb(anons);
	pg = a->u.an_page;

	assert_int_equal(uvm_loan(map, VB, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	assert_ptr_equal(pgs[0], pg);
	assert_ptr_equal(pg->uobject, f);
	assert_int_equal(pg->loan_count, 2);	/* the anon's, the kernel's */
	assert_true(file_frame(pg, 140, 0));

	/* The file's lock is free: a fault on its page 1 takes it. */
	v = get(VA + ps);
	assert_non_null(mapped(VA + ps));
	assert_int_equal(v, word(mapped(VA + ps), 0));
	assert_true(file_frame(mapped(VA + ps), 140, 1));
	CHECK(m);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	assert_int_equal(pg->loan_count, 1);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	uvm_unmap(map, VB, VB + 2 * ps);
	CHECK(m);
	assert_int_equal(pg->loan_count, 0);
	uvm_unmap(map, VA, VA + 2 * ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * uvm_unloananon counts an anon's loan back under the anon's lock
 * (loan.lock.24): with that lock held already (here by the caller, on the
 * same CPU), the return panics, "locking against myself", before either
 * count changes; once the lock is free, it goes through.
 *
 *	VA: anon A (an_ref 1: the amap)  <- borrower (an_ref 2, an_loans 1)
 */
static void
test_unloan_anon_takes_its_lock(void **state)
{
	struct vm_anon *anons[1], *a;

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xc10);
	assert_int_equal(uvm_loan(map, VA, ps, anons, UVM_LOAN_TOANON), 0);
	a = anons[0];
	CHECK(m);
	assert_int_equal(a->an_ref, 2);
	assert_int_equal(a->an_loans, 1);

	simple_lock(&a->an_lock);
	EXPECT_PANIC(m, uvm_unloan(anons, 1, UVM_LOAN_TOANON),
	    "locking against myself");
	assert_int_equal(a->an_ref, 2);		/* nothing changed */
	assert_int_equal(a->an_loans, 1);
	simple_unlock(&a->an_lock);
	CHECK(m);

	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(a->an_loans, 0);
	expect(VA, 1, 0xc10);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/*
 * The owner's write breaks the loan of a page its anon borrowed from a
 * file (break.count.1): the anon alone holds it (its own loan returned),
 * so the fault gives the anon a copy and hands the old page back to the
 * file, with the anon's loan counted off.  The file's page keeps the
 * file's bytes; the anon's copy has them and the write.
 *
 *	before:	VB slot 0: A -> pg (borrowed from f)	pg: loan_count 1
 *	after:	VB slot 0: A -> copy			pg: f's, loan_count 0
 */
static void
test_borrowed_anon_write_breaks(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 1, 150);
	struct vm_anon *anons[1], *a;
	struct vm_page *pg, *copy;

	(void)state;
	ONLY_139("the anon borrows a file page (object-to-anon)");
	a = borrow_into_vb(anons);
	pg = a->u.an_page;
	CHECK(m);
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);	/* the amap's A alone now */
	CHECK(m);
	assert_int_equal(a->an_ref, 1);
	assert_int_equal(pg->loan_count, 1);
	assert_ptr_equal(pg->uanon, a);

	put(VB, 0x5151);			/* the break */
	CHECK(m);
	copy = a->u.an_page;
	assert_ptr_not_equal(copy, pg);
	assert_ptr_equal(mapped(VB), copy);
	assert_true(tu_anon_owned(copy));
	assert_int_equal(word(copy, 0), 0x5151);
	assert_ptr_equal(pg->uobject, f);
	assert_null(pg->uanon);
	assert_int_equal(pg->loan_count, 0);
	assert_true(file_frame(pg, 150, 0));
	assert_int_equal(get(VA), word(pg, 0));	/* the file's page is f's */
	CHECK(m);

	uvm_unmap(map, VB, VB + 2 * ps);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * The same break with no page free for the copy (fault.lock.1): the fault
 * fails with everything it locked let go, the file's lock too (the anon
 * layer took it for the borrowed page), and nothing changed; the next
 * store, with memory again, breaks the loan.
 */
static void
test_borrowed_anon_break_nomem(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 1, 155);
	struct vm_anon *anons[1], *a;
	struct vm_page *pg;
	int error;

	(void)state;
	ONLY_139("the anon borrows a file page (object-to-anon)");
	a = borrow_into_vb(anons);
	pg = a->u.an_page;
	uvm_unloan(anons, 1, UVM_LOAN_TOANON);
	CHECK(m);

	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	error = uvmsim_store(m, 0, p->p_vmspace, VB, 8, 0x5252);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	if (error != 0) {
		/* Nothing changed: the anon still borrows pg. */
		assert_int_equal(error, EFAULT);	/* the fault failed */
		assert_ptr_equal(a->u.an_page, pg);
		assert_int_equal(pg->loan_count, 1);
		put(VB, 0x5252);
		CHECK(m);
	}
	assert_ptr_not_equal(a->u.an_page, pg);
	assert_int_equal(word(a->u.an_page, 0), 0x5252);
	assert_int_equal(pg->loan_count, 0);
	assert_true(file_frame(pg, 155, 0));
	assert_int_equal(get(VA), word(pg, 0));	/* the file's lock is free */
	CHECK(m);

	uvm_unmap(map, VB, VB + 2 * ps);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/* ---- what a loan break reports ---------------------------------------- */

/* The loan breaks seen by break_seen, and whether, at each, the copy was
 * on the active queue already, as uvm_loanbreak and uvm_loanbreak_anon
 * promise (the fault activates the page again when it maps it, which
 * would hide a copy left on no queue). */
struct breaks {
	int		n;		/* loan.break events */
	int		active;		/* of those, copy on the active queue */
	uint64_t	from, to;	/* the last one's pages */
};

static void
break_seen(struct uvmsim_machine *mm, const struct uvmsim_event *ev,
    void *arg)
{
	struct breaks *b = arg;
	struct vm_page *copy;

	if (ev->type != UVMSIM_EV_LOAN_BREAK)
		return;
	copy = uvmsim_page(mm, (size_t)ev->arg[1]);
	assert_non_null(copy);
	b->n++;
	if ((copy->pqflags & PQ_ACTIVE) != 0)
		b->active++;
	b->from = ev->arg[0];
	b->to = ev->arg[1];
}

/*
 * The owner's write to a file page lent to the kernel (break.queue.2):
 * the file gets a copy at the same offset, on the active queue when the
 * break is reported; the lent page keeps the file's bytes for the kernel.
 *
 *	before:	VA: f page 0 = pg <- kernel
 *	after:	VA: f page 0 = copy (written)	pg: orphan <- kernel
 */
static void
test_object_break_copy_active(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 0, 160);
	struct vm_page *pgs[1], *copy;
	struct breaks b = { 0 };

	(void)state;
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	uvmsim_trace_callback(m, break_seen, &b);
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_FAULT), 0);
	put(VA, 0x6161);
	uvmsim_trace_callback(m, NULL, NULL);
	CHECK(m);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.active, 1);
	copy = mapped(VA);
	assert_int_equal(b.from, uvmsim_page_frame(m, pgs[0]));
	assert_int_equal(b.to, uvmsim_page_frame(m, copy));
	assert_ptr_equal(copy->uobject, f);
	assert_true(copy->pqflags & PQ_ACTIVE);
	assert_int_equal(word(copy, 0), 0x6161);
	assert_null(pgs[0]->uobject);
	assert_true(file_frame(pgs[0], 160, 0));

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

/*
 * The owner's write to an anon page lent to the kernel (break.queue.4):
 * the anon gets a copy, on the active queue when the break is reported;
 * the lent page, the kernel's alone now, keeps the old bytes.
 *
 *	before:	VA: A -> pg <- kernel
 *	after:	VA: A -> copy (written)		pg: no owner <- kernel
 */
static void
test_anon_break_copy_active(void **state)
{
	struct vm_page *pgs[1], *copy;
	struct breaks b = { 0 };

	(void)state;
	map_anon(VA, 1);
	fill(VA, 1, 0xd20);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	uvmsim_trace_callback(m, break_seen, &b);
	assert_int_equal(uvmsim_trace_set(m, UVMSIM_TRACE_FAULT), 0);
	put(VA + 8, 0x7171);
	uvmsim_trace_callback(m, NULL, NULL);
	CHECK(m);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.active, 1);
	copy = mapped(VA);
	assert_int_equal(b.from, uvmsim_page_frame(m, pgs[0]));
	assert_int_equal(b.to, uvmsim_page_frame(m, copy));
	assert_true(tu_anon_owned(copy));
	assert_true(copy->pqflags & PQ_ACTIVE);
	assert_int_equal(word(copy, 8), 0x7171);
	assert_true(frame_has(pgs[0], 0xd20));
	assert_int_equal(word(pgs[0], 8), 0);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	CHECK(m);
}

/* ---- lent anon pages and the fault's neighbours ------------------------ */

/*
 * A read fault maps the resident neighbours of its page, but never an
 * anon's lent page (fault.branch.7): the anon alone holds it, so the
 * neighbour mapping would be writable, and the owner's next store would
 * go into the frame the kernel borrows.  Mapped only by its own fault,
 * it is read-only, and the store copies it.
 *
 *	VA: A0 -> p0 (unmapped)   A1 -> pg <- kernel (unmapped)
 *	get(VA): p0 mapped; pg not
 */
static void
test_lent_anon_not_a_neighbour(void **state)
{
	struct vm_page *pgs[1];

	(void)state;
	map_anon(VA, 2);
	fill(VA, 2, 0xe30);
	assert_int_equal(uvm_loan(map, VA + ps, ps, pgs, UVM_LOAN_TOPAGE), 0);
	pmap_remove(map->pmap, VA, VA + 2 * ps);
	pmap_update(map->pmap);
	CHECK(m);

	expect(VA, 1, 0xe30);			/* page 0's fault */
	CHECK(m);
	assert_null(mapped(VA + ps));		/* not a neighbour */
	put(VA + ps + 8, 0x8181);		/* the owner's write copies */
	CHECK(m);
	assert_ptr_not_equal(mapped(VA + ps), pgs[0]);
	assert_int_equal(word(mapped(VA + ps), 8), 0x8181);
	assert_true(frame_has(pgs[0], 0xe31));
	assert_int_equal(word(pgs[0], 8), 0);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 2 * ps);
	CHECK(m);
}

/*
 * Sequential access deactivates the anons' pages behind the fault, but
 * not a lent one (fault.branch.8): it stays where the loan put it (1.39:
 * off the queues; modern: active).
 *
 *	VA: A0 -> pg <- kernel    A1 .. A7 (sequential advice)
 */
static void
test_sequential_flush_spares_lent(void **state)
{
	struct vm_page *pgs[1], *p1;
	int i;

	(void)state;
	tu_map_anon(m, map, VA, 8, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_SEQUENTIAL, 0);
	for (i = 0; i < 8; i++)
		put(VA + (vaddr_t)i * ps, 0xf40 + (uint64_t)i);
	CHECK(m);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	p1 = mapped(VA + ps);
	pmap_remove(map->pmap, VA, VA + 8 * ps);
	pmap_update(map->pmap);
	CHECK(m);
	assert_kernel_lent(pgs[0]);

	assert_int_equal(get(VA + 2 * ps), 0xf42);	/* flushes A0, A1 */
	CHECK(m);
	assert_true(p1->pqflags & PQ_INACTIVE);	/* the flush ran */
	assert_kernel_lent(pgs[0]);		/* but spared the lent page */
	assert_false(pgs[0]->pqflags & PQ_INACTIVE);
	assert_int_equal(word(pgs[0], 0), 0xf40);

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + 8 * ps);
	CHECK(m);
}

/*
 * The owner's write to a lent file page with no page free for the copy
 * (fault.lock.3, fault.lock.4): the fault fails with the file unlocked
 * and its page unbusied, nothing changed; the next store, with memory
 * again, breaks the loan.
 */
static void
test_object_break_nomem(void **state)
{
	struct uvm_object *f = map_file(VA, 1, 0, 165);
	struct vm_page *pgs[1];
	int error;

	(void)state;
	(void)get(VA);
	assert_int_equal(uvm_loan(map, VA, ps, pgs, UVM_LOAN_TOPAGE), 0);
	CHECK(m);
	uvmsim_failpoint_set(m, "uvm_pagealloc", 1, 1);
	error = uvmsim_store(m, 0, p->p_vmspace, VA, 8, 0x6262);
	CHECK(m);
	assert_int_equal(uvmsim_failpoint_fired(m, "uvm_pagealloc"), 1);
	if (error != 0) {
		assert_int_equal(error, EFAULT);	/* the fault failed */
		assert_ptr_equal(pgs[0]->uobject, f);
		assert_false(pgs[0]->flags & PG_BUSY);
		put(VA, 0x6262);
		CHECK(m);
	}
	assert_ptr_not_equal(mapped(VA), pgs[0]);
	assert_int_equal(word(mapped(VA), 0), 0x6262);
	assert_null(pgs[0]->uobject);
	assert_true(file_frame(pgs[0], 165, 0));

	uvm_unloan(pgs, 1, UVM_LOAN_TOPAGE);
	CHECK(m);
	uvm_unmap(map, VA, VA + ps);
	f->pgops->pgo_detach(f);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_borrowed_anon_to_kernel),
		T(test_unloan_anon_takes_its_lock),
		T(test_borrowed_anon_write_breaks),
		T(test_borrowed_anon_break_nomem),
		T(test_object_break_copy_active),
		T(test_object_break_nomem),
		T(test_anon_break_copy_active),
		T(test_lent_anon_not_a_neighbour),
		T(test_sequential_flush_spares_lent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

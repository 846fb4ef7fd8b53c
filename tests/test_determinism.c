/*
 * test_determinism.c: the same workload and seed give the same trace,
 * byte for byte, and the same frame contents; another seed gives another.
 *
 * The workload draws every choice from the machine's own random numbers:
 * allocate and free pages (zeroed or not), move them between queues, wire
 * them, make anons with pages, put them in an amap and drop references,
 * fill an object and a file through their pagers.
 */
#include "testutil.h"

#include <inttypes.h>
#include <stdlib.h>

#define NSLOT	16

/* test_golden_trace's trace as NetBSD 1.6's behaviour makes it, on each
 * architecture: the trace records page tables and TLB fills, which are
 * the architecture's own.  The values read are the same everywhere. */
static const struct golden {
	const char	*arch;
	size_t		len_139;	/* length and FNV-1a hash, 1.39 loans */
	uint64_t	hash_139;
	size_t		len_modern;	/* ... modern loans */
	uint64_t	hash_modern;
} goldens[] = {
	{ "x86_64", 79302, 0x2e7c28c47cb0d841ULL,
	    78207, 0x3ec09af15f192c4fULL },
	{ "i386", 78489, 0x97b56f9fb3c62ca4ULL,
	    77395, 0x58afaeaf0fa2aa94ULL },
};
#define GOLDEN_SUM		7890

struct run {
	char	*trace;
	size_t	len;
	uint64_t sum;		/* checksum of every frame in use at the end */
};

static uint64_t
frames_sum(struct uvmsim_machine *m)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i, j, ps = uvmsim_page_size(m);
	const unsigned char *p;
	struct vm_page *pg;

	for (i = 0; i < uvmsim_npages(m); i++) {
		pg = uvmsim_page(m, i);
		if (pg->pqflags & PQ_FREE)
			continue;
		p = uvmsim_page_data(m, pg);
		for (j = 0; j < ps; j += 64)
			h = (h ^ p[j] ^ i) * 1099511628211ULL;
	}
	return h;
}

static void
workload(uint64_t seed, struct run *out)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct vm_page *pgs[24] = { NULL }, *got[2];
	struct uvm_object *aobj, *file;
	struct vm_aref aref;
	struct vm_amap *am;
	struct vm_anon *an;
	size_t ps;
	FILE *fp;
	int step, i, n, error;
	uint64_t r;
	char buf[64];

	tu_config(&cfg, 32);
	cfg.seed = seed;
	m = tu_machine_cfg(&cfg);
	ps = uvmsim_page_size(m);
	fp = open_memstream(&out->trace, &out->len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);

	aobj = uao_create(4 * ps, 0);
	assert_non_null(aobj);
	assert_int_equal(uvmsim_file_create(m, 3 * ps + 100, &file), 0);
	for (i = 0; i < 64; i++)
		buf[i] = (char)(seed + (uint64_t)i);
	assert_int_equal(uvmsim_file_write(m, file, 50, buf, 64), 0);
	am = amap_alloc(NSLOT * ps, 0, 0);
	assert_non_null(am);
	aref.ar_amap = am;
	aref.ar_pageoff = 0;

	for (step = 0; step < 300; step++) {
		r = uvmsim_random(m);
		i = (int)((r >> 8) % 24);
		switch (r % 7) {
		case 0:		/* allocate or free a kernel page */
			if (pgs[i] == NULL) {
				pgs[i] = uvm_pagealloc(NULL, 0, NULL,
				    (r & 0x10000) ? UVM_PGA_ZERO : 0);
				if (pgs[i] != NULL) {
					tu_unbusy(pgs[i]);
					memset(uvmsim_page_data(m, pgs[i]),
					    (int)(r >> 20), ps);
				}
			} else {
				tu_pagefree(pgs[i]);
				pgs[i] = NULL;
			}
			break;
		case 1:		/* move a page between the queues */
			if (pgs[i] == NULL)
				break;
			if ((r & 0x10000) || pgs[i]->wire_count != 0)
				tu_activate(pgs[i]);
			else
				tu_deactivate(pgs[i]);
			break;
		case 2:		/* an anon with a page into an amap slot */
			n = (int)((r >> 16) % NSLOT);
			amap_lock(am);
			if (amap_lookup(&aref, (vaddr_t)n * ps) != NULL) {
				amap_unlock(am);
				break;
			}
			amap_unlock(am);
			an = uvm_analloc();
			if (an == NULL)
				break;
			if (uvm_pagealloc(NULL, 0, an, UVM_PGA_ZERO) == NULL) {
				simple_unlock(&an->an_lock);
				an->an_ref = 0;
				uvm_anfree(an);
				break;
			}
			tu_unbusy(an->u.an_page);
			tu_activate(an->u.an_page);
			memset(uvmsim_page_data(m, an->u.an_page),
			    (int)r, ps / 2);
			simple_unlock(&an->an_lock);
			amap_lock(am);
			amap_add(&aref, (vaddr_t)n * ps, an, FALSE);
			amap_unlock(am);
			break;
		case 3:		/* drop a slot */
			n = (int)((r >> 16) % NSLOT);
			amap_lock(am);
			an = amap_lookup(&aref, (vaddr_t)n * ps);
			if (an != NULL)
				amap_unadd(&aref, (vaddr_t)n * ps);
			amap_unlock(am);
			if (an != NULL) {
				an->an_ref--;
				uvm_anfree(an);
			}
			break;
		case 4:		/* fault a page of an object in */
			got[0] = NULL;
			n = 1;
			simple_lock(&(r & 0x10000 ? aobj : file)->vmobjlock);
			error = (r & 0x10000 ? aobj : file)->pgops->pgo_get(
			    r & 0x10000 ? aobj : file,
			    (voff_t)((r >> 20) % 3) * (voff_t)ps, got, &n, 0,
			    VM_PROT_READ, MADV_NORMAL, PGO_SYNCIO);
			if (error == 0) {
				simple_lock(&got[0]->uobject->vmobjlock);
				tu_activate(got[0]);
				uvm_page_unbusy(got, 1);
				simple_unlock(&got[0]->uobject->vmobjlock);
			}
			break;
		case 5:		/* flush an object's pages */
			simple_lock(&file->vmobjlock);
			(void)file->pgops->pgo_put(file, 0, 0,
			    PGO_ALLPAGES | PGO_CLEANIT | PGO_FREE);
			break;
		case 6:		/* wire or unwire */
			if (pgs[i] == NULL)
				break;
			uvm_lock_pageq();
			if (pgs[i]->wire_count == 0 || (r & 0x10000))
				uvm_pagewire(pgs[i]);
			else
				uvm_pageunwire(pgs[i]);
			uvm_unlock_pageq();
			break;
		}
		CHECK(m);
	}
	out->sum = frames_sum(m);

	amap_unref(am, 0, NSLOT * ps, TRUE);
	for (i = 0; i < 24; i++)
		if (pgs[i] != NULL)
			tu_pagefree(pgs[i]);
	uao_detach(aobj);
	file->pgops->pgo_detach(file);
	CHECK(m);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	tu_destroy(m);
}

static void
test_same_seed_same_trace(void **state)
{
	struct run a, b, c;

	(void)state;
	workload(7, &a);
	workload(7, &b);
	workload(8, &c);
	assert_true(a.len > 10000);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.trace, b.trace, a.len);
	assert_int_equal(a.sum, b.sum);
	assert_true(a.len != c.len || memcmp(a.trace, c.trace, a.len) != 0);
	free(a.trace);
	free(b.trace);
	free(c.trace);
}

/*
 * Processes on two CPUs: map, write through the MMU, fork, write in both,
 * protect, unmap, exit, each choice drawn from the seed.  The trace (TLB
 * fills and shootdowns, faults, page tables) must repeat byte for byte.
 */
static void
proc_workload(uint64_t seed, struct run *out)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct proc *procs[4] = { NULL };
	vaddr_t base = 0x100000, va;
	size_t ps;
	FILE *fp;
	uint64_t r, v;
	int step, i, j;

	tu_config(&cfg, 512);
	cfg.ncpus = 2;
	cfg.seed = seed;
	cfg.tlb_entries = 8;
	cfg.tlb_ways = 2;
	m = tu_machine_cfg(&cfg);
	ps = uvmsim_page_size(m);
	fp = open_memstream(&out->trace, &out->len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);

	assert_int_equal(uvmsim_proc_create(m, &procs[0]), 0);
	va = base;
	assert_int_equal(uvm_map(&procs[0]->p_vmspace->vm_map, &va, 16 * ps,
	    NULL, UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	for (step = 0; step < 200; step++) {
		r = uvmsim_random(m);
		i = (int)((r >> 8) % 4);
		j = (int)((r >> 16) % 16);
		if (procs[i] == NULL) {
			if ((r & 3) == 0 && procs[0] != NULL)
				assert_int_equal(uvmsim_proc_fork(m, procs[0],
				    &procs[i]), 0);
			continue;
		}
		switch ((r >> 24) % 6) {
		case 0: case 1:
			assert_int_equal(uvmsim_store(m, (r >> 32) & 1,
			    procs[i]->p_vmspace, base + (vaddr_t)j * ps, 8, r),
			    0);
			break;
		case 2: case 3:
			assert_int_equal(uvmsim_load(m, (r >> 32) & 1,
			    procs[i]->p_vmspace, base + (vaddr_t)j * ps, 8, &v),
			    0);
			break;
		case 4:
			(void)uvm_map_protect(&procs[i]->p_vmspace->vm_map,
			    base, base + 16 * ps, (r & 0x100) ? VM_PROT_READ :
			    VM_PROT_READ | VM_PROT_WRITE, FALSE);
			if (r & 0x100)	/* reads only for a while */
				(void)uvm_map_protect(
				    &procs[i]->p_vmspace->vm_map, base,
				    base + 16 * ps, VM_PROT_READ |
				    VM_PROT_WRITE, FALSE);
			break;
		case 5:
			if (i != 0) {
				uvmsim_proc_exit(m, procs[i]);
				procs[i] = NULL;
			}
			break;
		}
		CHECK(m);
	}
	out->sum = frames_sum(m);
	for (i = 3; i >= 0; i--)
		if (procs[i] != NULL)
			uvmsim_proc_exit(m, procs[i]);
	CHECK(m);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	tu_destroy(m);
}

static void
test_processes_same_trace(void **state)
{
	struct run a, b;

	(void)state;
	proc_workload(11, &a);
	proc_workload(11, &b);
	assert_true(a.len > 10000);
	assert_non_null(strstr(a.trace, "tlb.fill"));
	assert_non_null(strstr(a.trace, "fault.cow"));
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.trace, b.trace, a.len);
	assert_int_equal(a.sum, b.sum);
	free(a.trace);
	free(b.trace);
}

/*
 * The full text trace of a fixed scenario, against the hash of the trace
 * NetBSD 1.6's behaviour gives: zero fills on two CPUs, a private file
 * mapping read, fork, copy-on-write stores by child and parent, loans to
 * the kernel with the owner's stores breaking them, unloans, a loan to
 * anons, a loan of file pages broken by stores.  A change of what the
 * machine does (a frame, a mapping, a queue, a TLB fill or drop, the
 * order of events) changes the hash; speed work must leave it alone.
 */
#define GOLDEN_NP	48

static void
golden_workload(struct run *out)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct proc *p, *c;
	struct vm_page *pgs[GOLDEN_NP];
	struct vm_anon *ans[GOLDEN_NP];
	struct uvm_object *f;
	vaddr_t base = 0x100000, va = base, fva = base + 0x400000;
	uint64_t v, sum = 0;
	unsigned char *buf;
	size_t ps, i;
	FILE *fp;
	int k;

	tu_config(&cfg, 600);
	cfg.ncpus = 2;
	cfg.tlb_entries = 16;
	cfg.tlb_ways = 4;
	m = tu_machine_cfg(&cfg);
	ps = uvmsim_page_size(m);
	buf = malloc(ps);
	assert_non_null(buf);
	fp = open_memstream(&out->trace, &out->len);
	assert_non_null(fp);
	uvmsim_trace_text(m, fp);

	assert_int_equal(uvmsim_proc_create(m, &p), 0);
	assert_int_equal(uvm_map(&p->p_vmspace->vm_map, &va, GOLDEN_NP * ps,
	    NULL, UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ |
	    VM_PROT_WRITE, VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW)), 0);
	assert_int_equal(uvmsim_file_create(m, 16 * ps, &f), 0);
	for (i = 0; i < 16; i++) {
		memset(buf, (int)i + 1, ps);
		assert_int_equal(uvmsim_file_write(m, f, i * ps, buf, ps), 0);
	}
	f->pgops->pgo_reference(f);
	assert_int_equal(uvm_map(&p->p_vmspace->vm_map, &fva, 16 * ps, f, 0,
	    0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL,
	    UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_FIXED |
	    UVM_FLAG_COPYONW)), 0);
	CHECK(m);

	/* Zero fills on both CPUs, reads, the file's pages read. */
	for (i = 0; i < GOLDEN_NP; i += (i % 5 == 0) ? 1 : 2)
		assert_int_equal(uvmsim_store(m, (unsigned)(i % 2),
		    p->p_vmspace, base + i * ps + 8, 8, i), 0);
	for (i = 0; i < GOLDEN_NP; i++) {
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace,
		    base + i * ps, 8, &v), 0);
		sum += v;
	}
	for (i = 0; i < 8; i++)
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, fva + i * ps,
		    4, &v), 0);
	CHECK(m);

	/* Fork; copy-on-write stores by the child, then the parent. */
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	for (i = 0; i < GOLDEN_NP; i += 3)
		assert_int_equal(uvmsim_store(m, (unsigned)((i / 3) % 2),
		    c->p_vmspace, base + i * ps, 8, 100 + i), 0);
	for (i = 1; i < GOLDEN_NP; i += 4)
		assert_int_equal(uvmsim_store(m, 0, p->p_vmspace,
		    base + i * ps, 8, 200 + i), 0);
	CHECK(m);

	/* Loans to the kernel, broken by the owner's stores, given back. */
	for (k = 0; k < 2; k++) {
		assert_int_equal(uvm_loan(&p->p_vmspace->vm_map, base + 8 * ps,
		    16 * ps, pgs, UVM_LOAN_TOPAGE), 0);
		for (i = 8; i < 24; i += 2 + (size_t)k)
			assert_int_equal(uvmsim_store(m, 0, p->p_vmspace,
			    base + i * ps, 8, 300 + i), 0);
		for (i = 0; i < 8; i++)
			assert_int_equal(uvmsim_load(m, 0, c->p_vmspace,
			    base + (8 + i) * ps, 8, &v), 0);
		CHECK(m);
		uvm_unloan(pgs, 16, UVM_LOAN_TOPAGE);
		CHECK(m);
	}
	assert_int_equal(uvm_loan(&c->p_vmspace->vm_map, base, 4 * ps, pgs,
	    UVM_LOAN_TOPAGE), 0);
	uvm_unloan(pgs, 4, UVM_LOAN_TOPAGE);
	assert_int_equal(uvm_loan(&p->p_vmspace->vm_map, base + 30 * ps,
	    8 * ps, ans, UVM_LOAN_TOANON), 0);
	uvm_unloan(ans, 8, UVM_LOAN_TOANON);
	CHECK(m);

	/* File pages lent, then broken by stores through the mapping. */
	assert_int_equal(uvm_loan(&p->p_vmspace->vm_map, fva, 8 * ps, pgs,
	    UVM_LOAN_TOPAGE), 0);
	for (i = 0; i < 8; i += 2)
		assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, fva + i * ps,
		    8, 400 + i), 0);
	uvm_unloan(pgs, 8, UVM_LOAN_TOPAGE);
	CHECK(m);

	for (i = 0; i < GOLDEN_NP; i++) {
		assert_int_equal(uvmsim_load(m, (unsigned)(i % 2),
		    c->p_vmspace, base + i * ps, 8, &v), 0);
		sum += v;
		assert_int_equal(uvmsim_load(m, 0, p->p_vmspace,
		    base + i * ps, 8, &v), 0);
		sum += v;
	}
	out->sum = sum;
	uvmsim_proc_exit(m, c);
	uvmsim_proc_exit(m, p);
	f->pgops->pgo_detach(f);
	CHECK(m);
	uvmsim_trace_text(m, NULL);
	fclose(fp);
	free(buf);
	tu_destroy(m);
}

static void
test_golden_trace(void **state)
{
	/* The trace's length, FNV-1a hash and the values read, with the
	 * 1.39 and the modern loan behaviour. */
	const struct golden *g = NULL;
	uint64_t h = 1469598103934665603ULL;
	struct run a;
	size_t i, len;
	uint64_t hash;

	(void)state;
	for (i = 0; i < sizeof(goldens) / sizeof(goldens[0]); i++)
		if (strcmp(goldens[i].arch, tu_arch()) == 0)
			g = &goldens[i];
	golden_workload(&a);
	for (i = 0; i < a.len; i++)
		h = (h ^ (unsigned char)a.trace[i]) * 1099511628211ULL;
	print_message("golden trace: %zu bytes, hash %#" PRIx64 ", sum %"
	    PRIu64 "\n", a.len, h, a.sum);
	assert_non_null(strstr(a.trace, "fault.cow"));
	assert_non_null(strstr(a.trace, "loan.break"));
	assert_int_equal(a.sum, GOLDEN_SUM);
	free(a.trace);
	if (g == NULL) {
		/* An architecture with no recorded trace yet: the values read
		 * are checked, the trace is only printed. */
		print_message("no golden trace for arch %s\n", tu_arch());
		return;
	}
	len = tu_modern() ? g->len_modern : g->len_139;
	hash = tu_modern() ? g->hash_modern : g->hash_139;
	assert_int_equal(a.len, len);
	assert_true(h == hash);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_trace),
		cmocka_unit_test(test_processes_same_trace),
		cmocka_unit_test(test_golden_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

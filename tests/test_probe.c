/*
 * test_probe.c: uvmsim_probe, everything behind one address, and the
 * mode of uvmsim_translate's rights.
 *
 * Each probe here goes through probe(), which asserts that the probe
 * changed nothing a harness can see: the event clock, the TLB counters
 * of every CPU, the counters, the map's hint, and the checker's verdict.
 * The scenarios walk an address through its lives: a private anonymous
 * page before and after its zero fill, after fork (needs-copy, the
 * shared anon) and after the child's copy; a file page mapped shared; a
 * wired page; a mapping whose accessed and dirty bits are still clear;
 * a kernel page seen from the kernel and from a user address space; a
 * page in the middle of its pager's I/O, probed from a hook.  Every test
 * runs on every architecture: the PTE bits are the probe's neutral ones,
 * with no-execute only where execute is a right of its own, and the
 * dump's text is each architecture's own (struct dump_facts).
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#define PS	((vaddr_t)uvmsim_page_size(m))
#define VA	0x100000UL
/* The probe's no-execute bit of a mapping without execute: set where
 * execute is a right of its own (x86-64's NX), never on i386. */
#define NX	(tu_arch_has("noexec") ? UVMSIM_PTE_NOEXEC : 0)

static struct uvmsim_machine *m;

/* Two CPUs, so that which TLBs cache an address means something. */
static int
setup(void **state)
{
	struct uvmsim_config cfg;

	(void)state;
	tu_config(&cfg, 128);
	cfg.ncpus = 2;
	m = tu_machine_cfg(&cfg);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	CHECK(m);
	tu_destroy(m);
	return 0;
}

/* uvmsim_probe of va in vs (NULL: the kernel), asserting it succeeded
 * and changed nothing. */
static void
probe(struct vmspace *vs, vaddr_t va, struct uvmsim_probe *out)
{
	struct uvmsim_tlb_stats st0[2], st1[2];
	struct uvmexp ux0 = *uvmsim_uvmexp(m);
	struct vm_map *map = vs != NULL ? &vs->vm_map : uvm_kernel_map();
	struct vm_map_entry *hint = map->hint;
	uint64_t clock = uvmsim_clock(m);
	unsigned c;

	CHECK(m);
	for (c = 0; c < 2; c++)
		assert_int_equal(uvmsim_tlb_stats(m, c, &st0[c]), 0);
	assert_int_equal(uvmsim_probe(m, vs, va, out), 0);
	for (c = 0; c < 2; c++) {
		assert_int_equal(uvmsim_tlb_stats(m, c, &st1[c]), 0);
		assert_memory_equal(&st0[c], &st1[c], sizeof(st0[c]));
	}
	assert_int_equal(uvmsim_clock(m), clock);
	assert_memory_equal(uvmsim_uvmexp(m), &ux0, sizeof(ux0));
	assert_ptr_equal(map->hint, hint);
	CHECK(m);
}

static struct proc *
proc_new(void)
{
	struct proc *p;

	assert_int_equal(uvmsim_proc_create(m, &p), 0);
	CHECK(m);
	return p;
}

/*
 * A private anonymous page through its lives:
 *
 *	untouched	entry COW|NEEDSCOPY, no amap, nothing mapped
 *	written		amap slot 0 -> anon -> page, PTE valid RW dirty,
 *			CPU 0's TLB caches it
 *	forked		parent needs copy again, PTE read-only, TLBs shot
 *			down; the child sees the same anon and page
 *	child writes	the child's own anon and page on CPU 1
 */
static void
test_anon_lives(void **state)
{
	struct proc *p = proc_new(), *c;
	struct uvmsim_probe pr, pc;
	struct vm_page *pg;
	uint64_t v;
	vaddr_t va = VA;

	(void)state;
	tu_map_anon(m, &p->p_vmspace->vm_map, va, 2,
	    VM_PROT_READ | VM_PROT_WRITE, UVM_INH_COPY, UVM_ADV_RANDOM, 0);

	probe(p->p_vmspace, VA + PS + 8, &pr);
	assert_true(pr.entry);
	assert_int_equal(pr.start, VA);
	assert_int_equal(pr.end, VA + 2 * PS);
	assert_int_equal(pr.protection, VM_PROT_READ | VM_PROT_WRITE);
	assert_int_equal(pr.max_protection, VM_PROT_ALL);
	assert_int_equal(pr.inheritance, MAP_INHERIT_COPY);
	assert_int_equal(pr.advice, UVM_ADV_RANDOM);
	assert_true(pr.copy_on_write);
	assert_true(pr.needs_copy);
	assert_int_equal(pr.etype, UVM_ET_COPYONWRITE | UVM_ET_NEEDSCOPY);
	assert_int_equal(pr.wired_count, 0);
	assert_null(pr.amap);
	assert_int_equal(pr.slot, -1);
	assert_null(pr.anon);
	assert_null(pr.uobj);
	assert_null(pr.page);
	assert_int_equal(pr.frame, (size_t)-1);
	assert_int_equal(pr.pte, 0);
	assert_null(pr.pte_page);
	assert_int_equal(pr.prot, VM_PROT_NONE);
	assert_int_equal(pr.tlb_cpus, 0);

	/* The zero fill, on CPU 0. */
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA + PS, 8, 42), 0);
	CHECK(m);
	probe(p->p_vmspace, VA + PS + 8, &pr);
	assert_false(pr.needs_copy);
	assert_non_null(pr.amap);
	assert_int_equal(pr.slot, 1);
	assert_non_null(pr.anon);
	assert_ptr_equal(pr.anon, p->p_vmspace->vm_map.header.next->aref.
	    ar_amap->am_anon[1]);
	pg = pr.anon->u.an_page;
	assert_non_null(pg);
	assert_ptr_equal(pr.page, pg);
	assert_int_equal(pr.frame, uvmsim_page_frame(m, pg));
	assert_ptr_equal(pr.pte_page, pg);
	assert_int_equal(pr.pte_frame, pr.frame);
	assert_int_equal(pr.pa, VM_PAGE_TO_PHYS(pg) + 8);
	assert_int_equal(pr.pte, UVMSIM_PTE_VALID | UVMSIM_PTE_WRITABLE |
	    UVMSIM_PTE_USER | UVMSIM_PTE_ACCESSED | UVMSIM_PTE_MODIFIED |
	    NX | UVMSIM_PTE_MANAGED);
	assert_int_equal(pr.prot, tu_prot(VM_PROT_READ | VM_PROT_WRITE));
	assert_int_equal(pr.tlb_cpus, 1);
	assert_int_equal(pr.tlb_writable, 1);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), 42);

	/* CPU 1 reads it: both TLBs; an entry caches the PTE's rights,
	 * write included, whatever access filled it. */
	assert_int_equal(uvmsim_load(m, 1, p->p_vmspace, VA + PS, 8, &v), 0);
	assert_int_equal(v, 42);
	probe(p->p_vmspace, VA + PS, &pr);
	assert_int_equal(pr.tlb_cpus, 3);
	assert_int_equal(pr.tlb_writable, 3);

	/* Fork: the parent's entry needs copy again, its PTE is read-only
	 * and the TLB entries are gone; the child shares anon and page. */
	assert_int_equal(uvmsim_proc_fork(m, p, &c), 0);
	CHECK(m);
	probe(p->p_vmspace, VA + PS, &pr);
	assert_true(pr.needs_copy);
	assert_ptr_equal(pr.page, pg);
	assert_int_equal(pr.pte & (UVMSIM_PTE_VALID | UVMSIM_PTE_WRITABLE),
	    UVMSIM_PTE_VALID);
	assert_int_equal(pr.prot, tu_prot(VM_PROT_READ));
	assert_int_equal(pr.tlb_writable, 0);
	probe(c->p_vmspace, VA + PS, &pc);
	assert_true(pc.entry && pc.needs_copy && pc.copy_on_write);
	assert_ptr_equal(pc.amap, pr.amap);
	assert_ptr_equal(pc.anon, pr.anon);
	assert_ptr_equal(pc.page, pg);
	assert_int_equal(pc.pte, 0);	/* the child's faults fill it */
	assert_int_equal(pc.tlb_cpus, 0);

	/* The child writes on CPU 1: its own amap, anon and page. */
	assert_int_equal(uvmsim_store(m, 1, c->p_vmspace, VA + PS, 8, 7), 0);
	CHECK(m);
	probe(c->p_vmspace, VA + PS, &pc);
	assert_false(pc.needs_copy);
	assert_ptr_not_equal(pc.amap, pr.amap);
	assert_ptr_not_equal(pc.anon, pr.anon);
	assert_non_null(pc.page);
	assert_ptr_not_equal(pc.page, pg);
	assert_ptr_equal(pc.pte_page, pc.page);
	assert_true(pc.pte & UVMSIM_PTE_WRITABLE);
	assert_int_equal(pc.tlb_cpus, 2);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pc.page), 7);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pg), 42);

	/* The other page of the entry is still untouched in both. */
	probe(c->p_vmspace, VA, &pc);
	assert_int_equal(pc.slot, 0);
	assert_null(pc.anon);
	assert_null(pc.page);
	assert_int_equal(pc.pte, 0);

	uvmsim_proc_exit(m, c);
	uvmsim_proc_exit(m, p);
	CHECK(m);
}

/* A file mapped shared at an offset, then wired. */
static void
test_object_and_wired(void **state)
{
	struct proc *p = proc_new();
	struct uvm_object *f;
	struct uvmsim_probe pr;
	uint64_t v, word = 0x1234;
	vaddr_t va = VA;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, 4 * PS, &f), 0);
	assert_int_equal(uvmsim_file_write(m, f, 3 * PS, &word, 8), 0);
	/* Pages 2 and 3 of the file at VA; the map takes our reference. */
	assert_int_equal(uvm_map(&p->p_vmspace->vm_map, &va, 2 * PS, f,
	    2 * PS, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_READ | VM_PROT_WRITE, UVM_INH_SHARE, UVM_ADV_RANDOM,
	    UVM_FLAG_FIXED)), 0);
	CHECK(m);
	probe(p->p_vmspace, VA + PS, &pr);
	assert_true(pr.entry);
	assert_false(pr.copy_on_write);
	assert_false(pr.needs_copy);
	assert_int_equal(pr.etype, UVM_ET_OBJ);
	assert_int_equal(pr.inheritance, MAP_INHERIT_SHARE);
	assert_ptr_equal(pr.uobj, f);
	assert_int_equal(pr.offset, 3 * PS);
	assert_null(pr.page);		/* not resident yet */
	assert_null(pr.amap);

	/* A read brings the page in and maps it: accessed, not dirty. */
	assert_int_equal(uvmsim_load(m, 1, p->p_vmspace, VA + PS, 8, &v), 0);
	assert_int_equal(v, word);
	CHECK(m);
	probe(p->p_vmspace, VA + PS, &pr);
	assert_non_null(pr.page);
	assert_ptr_equal(pr.page->uobject, f);
	assert_int_equal(pr.page->offset, 3 * PS);
	assert_ptr_equal(pr.pte_page, pr.page);
	assert_true(pr.pte & UVMSIM_PTE_ACCESSED);
	assert_false(pr.pte & UVMSIM_PTE_MODIFIED);
	assert_false(pr.pte & UVMSIM_PTE_WIRED);
	assert_int_equal(pr.tlb_cpus, 2);

	/* Wired: the entry counts it, the PTE carries the wired bit. */
	assert_int_equal(uvm_map_pageable(&p->p_vmspace->vm_map, VA,
	    VA + 2 * PS, FALSE, 0), 0);
	CHECK(m);
	probe(p->p_vmspace, VA + PS, &pr);
	assert_int_equal(pr.wired_count, 1);
	assert_true(pr.pte & UVMSIM_PTE_WIRED);
	assert_int_equal(pr.page->wire_count, 1);
	assert_int_equal(uvm_map_pageable(&p->p_vmspace->vm_map, VA,
	    VA + 2 * PS, TRUE, 0), 0);
	CHECK(m);
	probe(p->p_vmspace, VA + PS, &pr);
	assert_int_equal(pr.wired_count, 0);
	assert_false(pr.pte & UVMSIM_PTE_WIRED);

	/* Past the entry: nothing at all. */
	probe(p->p_vmspace, VA + 2 * PS, &pr);
	assert_false(pr.entry);
	assert_null(pr.uobj);
	assert_int_equal(pr.pte, 0);
	uvmsim_proc_exit(m, p);
	CHECK(m);
}

/*
 * A mapping made by pmap_enter with no access yet: accessed and dirty
 * clear, and probing (or translating) leaves them so; the first load
 * sets the accessed bit, the first store the dirty bit.  No map entry
 * stands behind it: the halves of a probe are independent.
 */
static void
test_no_ad_bits(void **state)
{
	struct proc *p = proc_new();
	struct vmspace *vs = p->p_vmspace;
	struct uvmsim_probe pr;
	struct vm_page *pg;
	vm_prot_t prot = VM_PROT_NONE;	/* (set by each translate) */
	paddr_t pa = 0;
	uint64_t v;
	int i;

	(void)state;
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	assert_non_null(pg);
	tu_unbusy(pg);
	assert_int_equal(pmap_enter(vs->vm_map.pmap, VA, VM_PAGE_TO_PHYS(pg),
	    VM_PROT_READ | VM_PROT_WRITE, 0), 0);
	CHECK(m);
	for (i = 0; i < 3; i++) {
		probe(vs, VA, &pr);
		assert_int_equal(uvmsim_translate(m, vs, VA, &pa, &prot), 0);
	}
	assert_false(pr.entry);
	assert_null(pr.page);
	assert_ptr_equal(pr.pte_page, pg);
	assert_int_equal(pr.pte, UVMSIM_PTE_VALID | UVMSIM_PTE_WRITABLE |
	    UVMSIM_PTE_USER | NX | UVMSIM_PTE_MANAGED);
	assert_int_equal(pr.tlb_cpus, 0);
	assert_int_equal(prot, pr.prot);
	assert_int_equal(pa, pr.pa);

	assert_int_equal(uvmsim_load(m, 0, vs, VA, 8, &v), 0);
	probe(vs, VA, &pr);
	assert_int_equal(pr.pte & (UVMSIM_PTE_ACCESSED | UVMSIM_PTE_MODIFIED),
	    UVMSIM_PTE_ACCESSED);
	assert_int_equal(pr.tlb_cpus, 1);
	/* The PTE's rights; on Alpha write is not one of them until the
	 * page is modified (FOW). */
	assert_int_equal(pr.tlb_writable, !tu_arch_has("refmod_emul"));
	assert_int_equal(uvmsim_store(m, 0, vs, VA, 8, 5), 0);
	probe(vs, VA, &pr);
	assert_true(pr.pte & UVMSIM_PTE_MODIFIED);
	/* Write-protected: the PTE at once, CPU 0's entry at pmap_update. */
	pmap_protect(vs->vm_map.pmap, VA, VA + PS, VM_PROT_READ);
	probe(vs, VA, &pr);
	assert_false(pr.pte & UVMSIM_PTE_WRITABLE);
	assert_int_equal(pr.prot, tu_prot(VM_PROT_READ));
	assert_int_equal(pr.tlb_writable, 1);
	pmap_update(vs->vm_map.pmap);
	probe(vs, VA, &pr);
	assert_int_equal(pr.tlb_writable, 0);

	pmap_remove(vs->vm_map.pmap, VA, VA + PS);
	pmap_update(vs->vm_map.pmap);
	probe(vs, VA, &pr);
	assert_int_equal(pr.pte, 0);
	assert_int_equal(pr.tlb_cpus, 0);
	tu_pagefree(pg);
	uvmsim_proc_exit(m, p);
	CHECK(m);
}

/*
 * A kernel page, from the kernel and through a user address space: the
 * same PTE (global, supervisor only), but a user access gets no right,
 * and a user load there faults.  Before, uvmsim_translate reported read
 * and write through the user address space.
 */
static void
test_kernel_from_user(void **state)
{
	struct proc *p = proc_new();
	struct vmspace *vs = p->p_vmspace;
	struct uvmsim_probe pk, pu;
	struct uvmsim_segv sg;
	vm_prot_t prot;
	paddr_t pa;
	vaddr_t kva;
	uint64_t v = 0;

	(void)state;
	kva = uvm_km_alloc(uvm_kernel_map(), PS);
	assert_true(kva != 0);
	CHECK(m);
	assert_int_equal(uvmsim_store(m, 1, NULL, kva, 8, 99), 0);
	CHECK(m);

	probe(NULL, kva + 16, &pk);
	assert_true(pk.entry);
	assert_int_equal(pk.start, kva);
	assert_null(pk.amap);
	assert_null(pk.uobj);
	assert_null(pk.page);		/* kernel memory is nobody's */
	assert_non_null(pk.pte_page);
	assert_int_equal(*(uint64_t *)uvmsim_page_data(m, pk.pte_page), 99);
	assert_true(pk.pte & UVMSIM_PTE_VALID);
	assert_true(pk.pte & UVMSIM_PTE_WRITABLE);
	assert_true(pk.pte & UVMSIM_PTE_GLOBAL);
	assert_false(pk.pte & UVMSIM_PTE_USER);
	assert_false(pk.pte & UVMSIM_PTE_MANAGED);	/* pmap_kenter_pa */
	assert_int_equal(pk.prot, tu_prot(VM_PROT_READ | VM_PROT_WRITE));
	assert_int_equal(pk.tlb_cpus, 2);
	assert_int_equal(uvmsim_translate(m, NULL, kva, &pa, &prot), 0);
	assert_int_equal(prot, tu_prot(VM_PROT_READ | VM_PROT_WRITE));

	/* Through the user address space: the user map has no entry, the
	 * page tables the same PTE, the mode no right at all. */
	probe(vs, kva + 16, &pu);
	assert_false(pu.entry);
	assert_int_equal(pu.pte, pk.pte);
	assert_int_equal(pu.pte_raw, pk.pte_raw);
	assert_int_equal(pu.pa, pk.pa);
	assert_int_equal(pu.prot, VM_PROT_NONE);
	assert_int_equal(pu.tlb_cpus, 2);	/* the kernel's global entry */
	assert_int_equal(uvmsim_translate(m, vs, kva, &pa, &prot), 0);
	assert_int_equal(pa, pk.pa - 16);
	assert_int_equal(prot, VM_PROT_NONE);

	/* What it says, the MMU does: a user load faults. */
	assert_int_equal(uvmsim_load(m, 0, vs, kva, 8, &v), EFAULT);
	uvmsim_last_segv(m, &sg);
	assert_int_equal(sg.addr, kva);
	assert_int_equal(sg.access, VM_PROT_READ);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, NULL, kva, 8, &v), 0);
	assert_int_equal(v, 99);

	uvm_km_free(uvm_kernel_map(), kva, PS);
	CHECK(m);
	probe(NULL, kva, &pk);
	assert_false(pk.entry);
	assert_int_equal(pk.pte, 0);
	assert_int_equal(pk.tlb_cpus, 0);
	uvmsim_proc_exit(m, p);
	CHECK(m);
}

/* The text uvmsim_pmap_dump prints for vs, asserting it changed nothing. */
static char *
dump(struct vmspace *vs)
{
	uint64_t clock = uvmsim_clock(m);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(uvmsim_pmap_dump(m, vs, fp), 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(uvmsim_clock(m), clock);
	CHECK(m);
	return buf;
}

/* The line of text that starts, after its indentation, with prefix and
 * holds what; NULL if none. */
static const char *
dump_line(const char *text, const char *prefix, const char *what)
{
	const char *l, *e;
	char line[256];
	size_t n;

	for (l = text; *l != '\0'; l = *e != '\0' ? e + 1 : e) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		while (*l == ' ')
			l++;
		n = (size_t)(e - l) < sizeof(line) ? (size_t)(e - l) :
		    sizeof(line) - 1;
		memcpy(line, l, n);
		line[n] = '\0';
		if (strncmp(line, prefix, strlen(prefix)) == 0 &&
		    strstr(line, what) != NULL)
			return l;
	}
	return NULL;
}

/* What each architecture's dump says of a user page just written. */
static const struct dump_facts {
	const char	*arch;
	const char	*header;	/* the first line's shape */
	const char	*leaf;		/* the leaf's bits, its manual's words */
	const char	*kroot;		/* the kernel's root entry */
} dump_facts[] = {
	{ "x86_64", "4 levels, 8-byte PTEs, 4096-byte pages",
	    "P RW US A D NX PG_PVLIST", "L4[256]" },
	/* no NX; the kernel's PDE is the first of the top quarter */
	{ "i386", "2 levels, 4-byte PTEs, 4096-byte pages",
	    "P RW US A D PG_PVLIST", "L2[768]" },
	/* no fault-on bit but FOE (not executable): read and written; the
	 * kernel's L1 entry is the first of K1SEG */
	{ "alpha", "3 levels, 8-byte PTEs, 8192-byte pages",
	    "V FOE KRE URE KWE UWE PG_PVLIST", "L3[768]" },
};

/*
 * uvmsim_pmap_dump prints every level down to the leaf of a page just
 * written, with the frame it maps and the bits the write and the walker
 * set, by the architecture's names (dump_facts; an architecture not
 * there has its shape checked alone); the kernel's shared root entries
 * are marked and not followed; the kernel's own dump follows them.
 */
static void
test_pmap_dump(void **state)
{
	struct proc *p = proc_new();
	struct vmspace *vs = p->p_vmspace;
	const struct dump_facts *df = NULL;
	struct uvmsim_probe pr;
	char *text, want[64];
	const char *l;
	unsigned lvl;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(dump_facts) / sizeof(dump_facts[0]); i++)
		if (strcmp(dump_facts[i].arch, tu_arch()) == 0)
			df = &dump_facts[i];
	tu_map_anon(m, &vs->vm_map, VA, 2, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	CHECK(m);
	text = dump(vs);
	assert_null(dump_line(text, "L1[", ""));	/* nothing faulted yet */
	free(text);
	assert_int_equal(uvmsim_store(m, 0, vs, VA, 8, 7), 0);
	CHECK(m);
	probe(vs, VA, &pr);

	text = dump(vs);
	assert_non_null(strstr(text, tu_arch()));
	snprintf(want, sizeof(want), "0x%016lx-", (unsigned long)VA);
	assert_non_null(l = dump_line(text, "L1[", want));
	snprintf(want, sizeof(want), "-> pa %#lx ",
	    (unsigned long)pr.page->phys_addr);
	assert_non_null(dump_line(text, "L1[", want));
	/* An entry at each upper level leads to the leaf. */
	for (lvl = 2; lvl <= uvmsim_vmparam(m)->pt_levels; lvl++) {
		snprintf(want, sizeof(want), "L%u[", lvl);
		assert_non_null(dump_line(text, want, "(page "));
	}
	if (df != NULL) {
		assert_non_null(strstr(text, df->header));
		assert_non_null(dump_line(text, "L1[", df->leaf));
		assert_non_null(dump_line(text, df->kroot, "(the kernel's)"));
	}
	free(text);

	/* The kernel's dump goes below its root. */
	text = dump(NULL);
	assert_non_null(strstr(text, "the kernel's):"));
	assert_null(dump_line(text, "L", "(the kernel's)"));
	if (df != NULL)
		assert_non_null(dump_line(text, df->kroot, "(page "));
	free(text);

	uvmsim_proc_exit(m, p);
	CHECK(m);
}

struct seen {
	struct vmspace	*vs;
	struct uvmsim_probe pr;
	bool		busy;		/* the page was busy then */
	int		runs;
};

static void
probe_hook(struct uvmsim_machine *mm, const char *point, void *arg)
{
	struct seen *s = arg;
	uint64_t clock = uvmsim_clock(mm);

	assert_string_equal(point, "pgo_get");
	assert_int_equal(uvmsim_probe(mm, s->vs, VA + 8, &s->pr), 0);
	assert_int_equal(uvmsim_clock(mm), clock);
	s->busy = s->pr.page != NULL && (s->pr.page->flags & PG_BUSY) != 0;
	s->runs++;
}

/*
 * A probe from a hook, in the middle of a fault: during the pager's I/O
 * the page is in the object, busy, and not mapped yet.
 */
static void
test_in_hook(void **state)
{
	struct proc *p = proc_new();
	struct seen s = { p->p_vmspace, { 0 }, false, 0 };
	struct uvm_object *f;
	struct uvmsim_probe pr;
	uint64_t v;
	vaddr_t va = VA;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, PS, &f), 0);
	assert_int_equal(uvm_map(&p->p_vmspace->vm_map, &va, PS, f, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ, VM_PROT_READ, UVM_INH_SHARE,
	    UVM_ADV_RANDOM, UVM_FLAG_FIXED)), 0);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", probe_hook, &s), 0);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA + 8, 8, &v), 0);
	assert_int_equal(uvmsim_hook_set(m, "pgo_get", NULL, NULL), 0);
	CHECK(m);
	assert_int_equal(s.runs, 1);
	assert_ptr_equal(s.pr.uobj, f);
	assert_non_null(s.pr.page);
	assert_true(s.busy);
	assert_int_equal(s.pr.pte, 0);
	probe(p->p_vmspace, VA + 8, &pr);
	assert_ptr_equal(pr.page, s.pr.page);
	assert_false(pr.page->flags & PG_BUSY);
	assert_true(pr.pte & UVMSIM_PTE_VALID);
	uvmsim_proc_exit(m, p);
	CHECK(m);
}

static void
expect_einval(int error, const char *text)
{
	assert_int_equal(error, EINVAL);
	if (strstr(uvmsim_last_error(), text) == NULL)
		fail_msg("error \"%s\" lacks \"%s\"", uvmsim_last_error(),
		    text);
}

/* Bad arguments: EINVAL naming the argument, *out untouched. */
static void
test_bad_args(void **state)
{
	struct proc *p = proc_new(), *p2;
	struct uvmsim_machine *m2, *mp;
	struct uvmsim_config cfg;
	struct uvmsim_probe pr;
	uint64_t clock = uvmsim_clock(m);
	char msg[80];

	(void)state;
	/* Not an address: x86-64's non-canonical hole, above i386's 4 GiB,
	 * between AArch64's two halves. */
	snprintf(msg, sizeof(msg), "va: 0x1000000000000 is not an address of "
	    "arch %s", tu_arch());
	memset(&pr, 0xa5, sizeof(pr));
	expect_einval(uvmsim_probe(NULL, p->p_vmspace, VA, &pr),
	    "uvmsim_probe: m: NULL");
	expect_einval(uvmsim_probe(m, p->p_vmspace, VA, NULL), "out: NULL");
	expect_einval(uvmsim_probe(m, p->p_vmspace, 0x0001000000000000UL,
	    &pr), msg);
	expect_einval(uvmsim_probe(m, NULL, VA, &pr), "va: 0x100000 is not a "
	    "kernel address");
	/* A vmspace that is not one of this machine's. */
	tu_config(&cfg, 64);
	assert_int_equal(uvmsim_machine_create(&cfg, &m2), 0);
	assert_int_equal(uvmsim_proc_create(m2, &p2), 0);
	expect_einval(uvmsim_probe(m, p2->p_vmspace, VA, &pr),
	    "vs: not a live address space of this machine");
	expect_einval(uvmsim_pmap_dump(m, p2->p_vmspace, stdout),
	    "uvmsim_pmap_dump: vs: not a live address space of this machine");
	expect_einval(uvmsim_pmap_dump(NULL, NULL, stdout),
	    "uvmsim_pmap_dump: m: NULL");
	expect_einval(uvmsim_pmap_dump(m, NULL, NULL),
	    "uvmsim_pmap_dump: fp: NULL");
	uvmsim_proc_exit(m2, p2);
	uvmsim_machine_destroy(m2);
	/* A machine with no MMU. */
	cfg.arch = "none";
	assert_int_equal(uvmsim_machine_create(&cfg, &mp), 0);
	expect_einval(uvmsim_probe(mp, NULL, 0, &pr), "no MMU");
	expect_einval(uvmsim_pmap_dump(mp, NULL, stdout),
	    "uvmsim_pmap_dump: m: machine has no MMU");
	uvmsim_machine_destroy(mp);
	{
		struct uvmsim_probe junk;

		memset(&junk, 0xa5, sizeof(junk));
		assert_memory_equal(&pr, &junk, sizeof(pr));
	}
	assert_int_equal(uvmsim_clock(m), clock);
	uvmsim_proc_exit(m, p);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_anon_lives),
		TU_TEST(test_object_and_wired),
		TU_TEST(test_no_ad_bits),
		TU_TEST(test_kernel_from_user),
		TU_TEST(test_in_hook),
		TU_TEST(test_pmap_dump),
		TU_TEST(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

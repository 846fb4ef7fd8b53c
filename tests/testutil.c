/*
 * testutil.c: machines for tests, the fixtures of a machine with a
 * process, its regions and files, the checker as an assertion, and page
 * patterns.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>

void
tu_cmocka_panic(struct uvmsim_machine *m, const char *msg, void *arg)
{
	(void)m;
	(void)arg;
	mock_assert(0, msg, __FILE__, __LINE__);
	abort();	/* mock_assert does not return */
}

struct uvmsim_machine *
tu_machine_cfg(const struct uvmsim_config *cfg)
{
	struct uvmsim_machine *m = NULL;
	int error;

	error = uvmsim_machine_create(cfg, &m);
	if (error != 0)
		fail_msg("uvmsim_machine_create: %s: %s",
		    uvmsim_strerror(error), uvmsim_last_error());
	uvmsim_set_panic_handler(m, tu_cmocka_panic, NULL);
	uvmsim_machine_enter(m);
	return m;
}

const char *
tu_loan_behaviour(void)
{
	const char *b = getenv("UVMSIM_TEST_LOAN");

	return b != NULL && *b != '\0' ? b : "1.39";
}

const char *
tu_arch(void)
{
	const char *a = getenv("UVMSIM_TEST_ARCH");

	return a != NULL && *a != '\0' ? a : "x86_64";
}

/* What each architecture has (tu_arch_has); an architecture missing here
 * has none of it. */
static const struct {
	const char	*arch;
	const char	*has;	/* names, each between spaces */
} arch_has[] = {
	{ "x86_64",	" noexec noread hw_refmod " },
	{ "i386",	" noread hw_refmod " },
	/* referenced and modified emulated by faults the pmap resolves */
	{ "aarch64",	" noexec noread asid kernel_root refmod_trap " },
	/* a software-refilled TLB; no execute right */
	{ "mips",	" noread asid kernel_root refmod_trap " },
	{ "alpha",	" noexec refmod_emul refmod_trap exec_reads asid " },
};

bool
tu_arch_has(const char *what)
{
	char key[64];
	size_t i;

	snprintf(key, sizeof(key), " %s ", what);
	for (i = 0; i < sizeof(arch_has) / sizeof(arch_has[0]); i++)
		if (strcmp(arch_has[i].arch, tu_arch()) == 0)
			return strstr(arch_has[i].has, key) != NULL;
	return false;
}

unsigned
tu_prot(unsigned prot)
{
	if (prot == VM_PROT_NONE)
		return prot;
	if (tu_arch_has("noread") ||
	    ((prot & VM_PROT_EXECUTE) && tu_arch_has("exec_reads")))
		prot |= VM_PROT_READ;
	if ((prot & VM_PROT_READ) && !tu_arch_has("noexec"))
		prot |= VM_PROT_EXECUTE;
	return prot;
}

int
tu_ptps(struct uvmsim_machine *m)
{
	return (int)uvmsim_vmparam(m)->pt_levels - 1;
}

bool
tu_loan_watch(void)
{
	const char *w = getenv("UVMSIM_TEST_WATCH");

	return w == NULL || strcmp(w, "off") != 0;
}

bool
tu_modern(void)
{
	return strcmp(tu_loan_behaviour(), "modern") == 0;
}

void
tu_config(struct uvmsim_config *cfg, size_t npages)
{
	uvmsim_config_init(cfg);
	if (npages != 0)
		cfg->npages = npages;
	cfg->loan = tu_loan_behaviour();
	cfg->arch = tu_arch();
	cfg->check_loan_locks = tu_loan_watch();
}

struct uvmsim_machine *
tu_machine(size_t npages)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, npages);
	return tu_machine_cfg(&cfg);
}

struct uvmsim_machine *
tu_machine_phys(size_t npages)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, npages);
	cfg.arch = "none";
	return tu_machine_cfg(&cfg);
}

bool
tu_anon_owned(const struct vm_page *pg)
{
	if (tu_modern())
		return (pg->flags & PG_ANON) != 0 &&
		    (pg->pqflags & PQ_ANON) == 0;
	return (pg->pqflags & PQ_ANON) != 0 && (pg->flags & PG_ANON) == 0;
}

void
tu_destroy(struct uvmsim_machine *m)
{
	uvmsim_machine_leave(m);
	uvmsim_machine_destroy(m);
}

struct uvmsim_machine *
tu_proc_setup_cfg(const struct uvmsim_config *cfg, struct proc **pp,
    struct vm_map **mapp, size_t *psp)
{
	struct uvmsim_machine *m = tu_machine_cfg(cfg);

	assert_int_equal(uvmsim_proc_create(m, pp), 0);
	if (mapp != NULL)
		*mapp = &(*pp)->p_vmspace->vm_map;
	if (psp != NULL)
		*psp = uvmsim_page_size(m);
	CHECK(m);
	return m;
}

struct uvmsim_machine *
tu_proc_setup(size_t npages, struct proc **pp, struct vm_map **mapp,
    size_t *psp)
{
	struct uvmsim_config cfg;

	tu_config(&cfg, npages);
	return tu_proc_setup_cfg(&cfg, pp, mapp, psp);
}

void
tu_proc_teardown(struct uvmsim_machine *m, struct proc *p, int flags)
{
	struct uvmexp *ux = uvmsim_uvmexp(m);

	uvmsim_proc_exit(m, p);
	CHECK(m);
	if (flags & TU_ANONS_FREE)
		assert_int_equal(ux->nanon, ux->nfreeanon);
	tu_destroy(m);
}

void
tu_map_anon(struct uvmsim_machine *m, struct vm_map *map, vaddr_t va,
    int npages, vm_prot_t prot, int inh, int adv, int flags)
{
	vsize_t sz = (vsize_t)npages * uvmsim_page_size(m);

	assert_int_equal(uvm_map(map, &va, sz, NULL, UVM_UNKNOWN_OFFSET, 0,
	    UVM_MAPFLAG(prot, VM_PROT_ALL, inh, adv,
	    UVM_FLAG_FIXED | UVM_FLAG_COPYONW | flags)), 0);
	CHECK(m);
}

void
tu_map_object(struct uvmsim_machine *m, struct vm_map *map, vaddr_t va,
    struct uvm_object *uobj, int npages, int inh, int adv, int flags)
{
	vsize_t sz = (vsize_t)npages * uvmsim_page_size(m);

	assert_int_equal(uvm_map(map, &va, sz, uobj, 0, 0,
	    UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE, VM_PROT_ALL, inh, adv,
	    UVM_FLAG_FIXED | flags)), 0);
	CHECK(m);
}

struct uvm_object *
tu_file_pattern(struct uvmsim_machine *m, int npages, size_t nbytes,
    tu_pattern_fn *byte, uint32_t seed)
{
	struct uvm_object *f;
	uint8_t *buf;
	size_t ps = uvmsim_page_size(m), j;
	int i;

	assert_true(nbytes <= ps);
	buf = malloc(nbytes);
	assert_non_null(buf);
	assert_int_equal(uvmsim_file_create(m, (size_t)npages * ps, &f), 0);
	for (i = 0; i < npages; i++) {
		for (j = 0; j < nbytes; j++)
			buf[j] = byte(seed, i, j);
		assert_int_equal(uvmsim_file_write(m, f, (size_t)i * ps, buf,
		    nbytes), 0);
	}
	free(buf);
	return f;
}

void
tu_check(struct uvmsim_machine *m, const char *file, int line)
{
	struct uvmsim_report r = { 0 };
	int n;

	n = uvmsim_check(m, &r);
	if (n != 0) {
		fprintf(stderr, "%s:%d: uvmsim_check found %d problem(s):\n",
		    file, line, n);
		uvmsim_report_print(&r, stderr);
		uvmsim_report_free(&r);
		fail_msg("%s:%d: invariants broken", file, line);
	}
	uvmsim_report_free(&r);
}

void
tu_expect_problem(struct uvmsim_machine *m, const char *invariant,
    const char *field, int line)
{
	struct uvmsim_report r = { 0 };

	if (uvmsim_check(m, &r) == 0)
		fail_msg("line %d: no problem found, expected %s/%s", line,
		    invariant, field);
	if (uvmsim_report_find(&r, invariant, field) == NULL) {
		uvmsim_report_print(&r, stderr);
		uvmsim_report_free(&r);
		fail_msg("line %d: expected %s/%s in the report", line,
		    invariant, field);
	}
	uvmsim_report_free(&r);
}

static uint8_t
pattern(uint32_t seed, size_t i)
{
	uint32_t x = seed * 2654435761u + (uint32_t)i * 40503u;

	return (uint8_t)(x >> 13 ^ x);
}

void
tu_fill(struct uvmsim_machine *m, struct vm_page *pg, uint32_t seed)
{
	uint8_t *p = uvmsim_page_data(m, pg);
	size_t i, n = uvmsim_page_size(m);

	for (i = 0; i < n; i++)
		p[i] = pattern(seed, i);
}

int
tu_verify(struct uvmsim_machine *m, struct vm_page *pg, uint32_t seed)
{
	const uint8_t *p = uvmsim_page_data(m, pg);
	size_t i, n = uvmsim_page_size(m);

	for (i = 0; i < n; i++)
		if (p[i] != pattern(seed, i))
			return 0;
	return 1;
}

int
tu_is_zero(struct uvmsim_machine *m, struct vm_page *pg)
{
	const uint8_t *p = uvmsim_page_data(m, pg);
	size_t i, n = uvmsim_page_size(m);

	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return 0;
	return 1;
}

uint64_t
tu_word(struct uvmsim_machine *m, struct vm_page *pg, size_t off)
{
	uint64_t v;

	memcpy(&v, (uint8_t *)uvmsim_page_data(m, pg) + off, sizeof(v));
	return v;
}

int
tu_nfree(struct uvmsim_machine *m)
{
	return uvmsim_uvmexp(m)->free;
}

voff_t
tu_pgoff(struct uvmsim_machine *m, int i)
{
	return (voff_t)i * (voff_t)uvmsim_page_size(m);
}

struct vm_page *
tu_page(void)
{
	struct vm_page *pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);

	assert_non_null(pg);
	tu_unbusy(pg);
	return pg;
}

void
tu_unbusy(struct vm_page *pg)
{
	pg->flags &= ~PG_BUSY;
	UVM_PAGE_OWN(pg, NULL);
}

#define TU_PQ_OP(name, op)						\
void									\
name(struct vm_page *pg)						\
{									\
	uvm_lock_pageq();						\
	op(pg);								\
	uvm_unlock_pageq();						\
}

TU_PQ_OP(tu_activate, uvm_pageactivate)
TU_PQ_OP(tu_deactivate, uvm_pagedeactivate)
TU_PQ_OP(tu_dequeue, uvm_pagedequeue)
TU_PQ_OP(tu_pagefree, uvm_pagefree)

int
tu_pgo_get_locked(struct uvm_object *uobj, voff_t off, struct vm_page **pps,
    int *np, int center, int flags)
{
	simple_lock(&uobj->vmobjlock);
	return uobj->pgops->pgo_get(uobj, off, pps, np, center, VM_PROT_READ,
	    MADV_NORMAL, PGO_LOCKED | flags);
}

int
tu_pgo_get_sync(struct uvm_object *uobj, voff_t off, struct vm_page **pps,
    int np, int flags)
{
	int n = np;

	simple_lock(&uobj->vmobjlock);
	return uobj->pgops->pgo_get(uobj, off, pps, &n, 0, VM_PROT_READ,
	    MADV_NORMAL, PGO_SYNCIO | flags);
}

int
tu_pgo_put(struct uvm_object *uobj, voff_t start, voff_t stop, int flags)
{
	simple_lock(&uobj->vmobjlock);
	return uobj->pgops->pgo_put(uobj, start, stop, flags);
}

void
tu_pgo_release(struct vm_page **pps, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pps[i] == NULL)
			continue;
		tu_activate(pps[i]);
		tu_unbusy(pps[i]);
		pps[i]->flags &= ~PG_WANTED;
		pps[i] = NULL;
	}
}

void
tu_pgo_resident(struct uvmsim_machine *m, struct uvm_object *uobj, int n,
    struct vm_page **out)
{
	struct vm_page *pps[8] = { NULL };
	int i;

	assert_true(n <= 8);
	assert_int_equal(tu_pgo_get_sync(uobj, 0, pps, n, 0), 0);
	simple_lock(&uobj->vmobjlock);
	for (i = 0; i < n; i++)
		out[i] = pps[i];
	tu_pgo_release(pps, n);
	simple_unlock(&uobj->vmobjlock);
	CHECK(m);
}

struct vm_anon *
tu_anon_at(struct vm_map *map, vaddr_t va)
{
	struct vm_map_entry *entry;
	struct vm_anon *anon = NULL;

	vm_map_lock_read(map);
	if (uvm_map_lookup_entry(map, va, &entry) &&
	    entry->aref.ar_amap != NULL) {
		amap_lock(entry->aref.ar_amap);
		anon = amap_lookup(&entry->aref, va - entry->start);
		amap_unlock(entry->aref.ar_amap);
	}
	vm_map_unlock_read(map);
	return anon;
}

void
tu_hog_all(struct uvmsim_machine *m, struct vm_page **hog, int *n, int max)
{
	struct vm_page *pg;

	while (*n < max && (pg = uvm_pagealloc(NULL, 0, NULL, 0)) != NULL)
		hog[(*n)++] = pg;
	CHECK(m);
}

void
tu_hog_release(struct uvmsim_machine *m, struct vm_page **hog, int *n)
{
	while (*n > 0)
		tu_pagefree(hog[--*n]);
	CHECK(m);
}

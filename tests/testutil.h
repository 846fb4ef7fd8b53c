/*
 * testutil.h: what every uvmsim test shares.
 *
 * tu_machine() creates a machine, makes it current and routes its panics
 * to CMocka (so expect_assert_failure() works); tu_destroy() undoes that.
 * CHECK(m) runs the invariant checker and fails the test, printing the
 * report, if anything is broken: tests call it after every step.
 * EXPECT_PANIC(m, stmt, text) asserts that stmt panics with a message
 * containing text.
 *
 * The fixtures most suites build each test on: tu_proc_setup() (a
 * machine with one process, undone by tu_proc_teardown()), regions of
 * anonymous memory or of an object mapped at a fixed address
 * (tu_map_anon(), tu_map_object()) and files of a known pattern
 * (tu_file_pattern()).  TU_TEST(fn) names a test run between its suite's
 * setup and teardown.  The loan suites add their own (testloan.h).
 */
#ifndef UVMSIM_TESTUTIL_H
#define UVMSIM_TESTUTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <uvmsim/uvmsim.h>

/*
 * The loan behaviour under test: the environment's UVMSIM_TEST_LOAN
 * ("1.39" when unset; CTest runs suites again with "modern").
 * tu_config() is uvmsim_config_init() with npages (0: the default), that
 * behaviour and the loan-lock watch on; every machine a test makes starts
 * from it (tu_machine() and tu_machine_phys() too).
 */
const char *tu_loan_behaviour(void);
bool	tu_modern(void);
/* The loan-lock watch is on unless UVMSIM_TEST_WATCH is "off" (CTest
 * runs some suites so too: the watch only looks, it changes nothing). */
bool	tu_loan_watch(void);
/* The architecture the suite runs on: UVMSIM_TEST_ARCH, else "x86_64". */
const char *tu_arch(void);
/*
 * What the architecture under test has, for tests that hold on some MMUs
 * only (each says why where it asks):
 *   "noexec"     execute is a right of its own (x86-64's NX bit); without
 *                it every readable mapping may be executed (i386).
 *   "noread"     read is no right of its own: every valid mapping may
 *                be read (x86's present bit).
 *   "hw_refmod"  the MMU's walker sets the accessed and dirty bits of a
 *                PTE itself (x86).
 *   "exec_reads" an executable mapping may be read (Alpha's KRE).
 *   "refmod_trap" the first access to a page, and the first write, after
 *                its mapping or pmap_clear_reference/_modify trap to
 *                the pmap, which records the attribute and lets the
 *                access go on (faults_refmod, or faults_access_flag for
 *                AArch64's access flag); the MMU sets no bit itself
 *                (AArch64 without DBM, MIPS, Alpha).
 *   "refmod_emul" referenced and modified are emulated with fault-on
 *                bits, each first access a trap the pmap resolves
 *                (Alpha's FOR, FOW, FOE).
 *   "asid"       the TLB tags entries with address-space identifiers: a
 *                pmap switch flushes nothing (AArch64, MIPS, Alpha; test_asid).
 *   "kernel_root" the kernel's page tables have a root of their own
 *                (AArch64's TTBR1): no user root holds kernel entries.
 * tu_prot(prot): the rights a mapping made with prot gives an access on
 * that architecture: prot, with read for any valid mapping where read is
 * no right of its own or for an executable one where execute reads, and
 * execute for a readable one where execute is none.
 */
bool	tu_arch_has(const char *what);
unsigned tu_prot(unsigned prot);
/* The page tables a user mapping makes in a fresh address space, one per
 * level below the root (x86-64: 3; i386: 1). */
int	tu_ptps(struct uvmsim_machine *m);
void	tu_config(struct uvmsim_config *cfg, size_t npages);
/* The page is marked as its anon's own, by the behaviour's mark (PQ_ANON
 * in 1.39, PG_ANON in the modern behaviour), and not by the other. */
bool	tu_anon_owned(const struct vm_page *pg);

struct uvmsim_machine *tu_machine(size_t npages);
/* A machine of physical memory only (arch "none": no pmap, no MMU), so
 * every frame starts free and the trace starts empty. */
struct uvmsim_machine *tu_machine_phys(size_t npages);
struct uvmsim_machine *tu_machine_cfg(const struct uvmsim_config *cfg);
void	tu_destroy(struct uvmsim_machine *m);
void	tu_check(struct uvmsim_machine *m, const char *file, int line);
/* Panic handler that reports to CMocka's mock_assert(). */
void	tu_cmocka_panic(struct uvmsim_machine *m, const char *msg, void *arg);

/* Fill a page's frame with a pattern derived from seed / verify it. */
void	tu_fill(struct uvmsim_machine *m, struct vm_page *pg, uint32_t seed);
int	tu_verify(struct uvmsim_machine *m, struct vm_page *pg, uint32_t seed);
/* True when every byte of the page's frame is zero. */
int	tu_is_zero(struct uvmsim_machine *m, struct vm_page *pg);
/* The 8 bytes at off in pg's frame, as the host reads them. */
uint64_t tu_word(struct uvmsim_machine *m, struct vm_page *pg, size_t off);
/* The free frames now; the offset of page i of an object. */
int	tu_nfree(struct uvmsim_machine *m);
voff_t	tu_pgoff(struct uvmsim_machine *m, int i);
/* A zeroed page in use by nobody, on no queue, not busy. */
struct vm_page *tu_page(void);

/* Page helpers for tests: each takes the page queue lock around the one
 * operation; tu_unbusy clears PG_BUSY and the owner tag together. */
void	tu_unbusy(struct vm_page *pg);
void	tu_activate(struct vm_page *pg);
void	tu_deactivate(struct vm_page *pg);
void	tu_dequeue(struct vm_page *pg);
void	tu_pagefree(struct vm_page *pg);

/* Pager calls as a fault makes them: each locks the object first.  A
 * locked get leaves it locked; a synchronous get and a put unlock it. */
int	tu_pgo_get_locked(struct uvm_object *uobj, voff_t off,
	    struct vm_page **pps, int *np, int center, int flags);
int	tu_pgo_get_sync(struct uvm_object *uobj, voff_t off,
	    struct vm_page **pps, int np, int flags);
int	tu_pgo_put(struct uvm_object *uobj, voff_t start, voff_t stop,
	    int flags);
/* Activate and unbusy the pages a get returned (object locked); the slots
 * are cleared. */
void	tu_pgo_release(struct vm_page **pps, int n);
/* Make pages [0, n) (n <= 8) of uobj resident, unbusy and active, through
 * a synchronous get; return them in out. */
void	tu_pgo_resident(struct uvmsim_machine *m, struct uvm_object *uobj,
	    int n, struct vm_page **out);

#define CHECK(m)	tu_check((m), __FILE__, __LINE__)

/* A test run between its suite's own setup and teardown, which the suite
 * names so. */
#define TU_TEST(fn)	cmocka_unit_test_setup_teardown(fn, setup, teardown)

/*
 * A machine made from cfg (tu_machine_cfg) or of npages pages
 * (tu_machine), entered, with one process in it; the checker runs.  The
 * process is returned in pp; its map in mapp and the page size in psp
 * when they are not NULL.  tu_proc_teardown: the process exits, the
 * checker runs, with TU_ANONS_FREE every anon must be free again, and
 * the machine is destroyed.
 */
struct uvmsim_machine *tu_proc_setup(size_t npages, struct proc **pp,
	    struct vm_map **mapp, size_t *psp);
struct uvmsim_machine *tu_proc_setup_cfg(const struct uvmsim_config *cfg,
	    struct proc **pp, struct vm_map **mapp, size_t *psp);
#define TU_ANONS_FREE	0x1	/* nanon == nfreeanon at the end */
void	tu_proc_teardown(struct uvmsim_machine *m, struct proc *p,
	    int flags);

/*
 * Regions at a fixed address, written by nothing yet: npages of
 * anonymous memory (copy-on-write: UVM_FLAG_COPYONW is added to flags),
 * or npages of uobj from offset 0 (the mapping takes a reference the
 * caller gave it).  Protection prot for the anonymous memory, read and
 * write for the object; maximum VM_PROT_ALL, inheritance inh, advice
 * adv, UVM_FLAG_FIXED | flags; the map must accept it, and the checker
 * runs.
 */
void	tu_map_anon(struct uvmsim_machine *m, struct vm_map *map, vaddr_t va,
	    int npages, vm_prot_t prot, int inh, int adv, int flags);
void	tu_map_object(struct uvmsim_machine *m, struct vm_map *map,
	    vaddr_t va, struct uvm_object *uobj, int npages, int inh, int adv,
	    int flags);

/*
 * A file of npages pages whose first nbytes bytes (at most a page) of
 * page i hold byte(seed, i, j) at j, written one page a call; the rest
 * of each page is zeros.  The caller holds its only reference.
 */
typedef uint8_t tu_pattern_fn(uint32_t seed, int page, size_t off);
struct uvm_object *tu_file_pattern(struct uvmsim_machine *m, int npages,
	    size_t nbytes, tu_pattern_fn *byte, uint32_t seed);

/* The checker must report this invariant and field (a broken state set up
 * on purpose). */
void	tu_expect_problem(struct uvmsim_machine *m, const char *invariant,
	    const char *field, int line);

#define EXPECT_PANIC(m, stmt, text) do {				\
	struct uvmsim_catch tu_c_;					\
	UVMSIM_CATCH((m), &tu_c_, stmt);				\
	if (!tu_c_.caught)						\
		fail_msg("%s:%d: expected a panic from: %s",		\
		    __FILE__, __LINE__, #stmt);				\
	if (strstr(tu_c_.message, (text)) == NULL)			\
		fail_msg("%s:%d: panic \"%s\" lacks \"%s\"",		\
		    __FILE__, __LINE__, tu_c_.message, (text));		\
} while (0)

/* The anon in map's amap at va, or NULL (the map and amap read-locked
 * while it looks). */
struct vm_anon *tu_anon_at(struct vm_map *map, vaddr_t va);
/* Take free frames of m into hog[*n ..] until none is left or *n is max
 * (memory pressure for the page daemon); give them all back. */
void	tu_hog_all(struct uvmsim_machine *m, struct vm_page **hog, int *n,
	    int max);
void	tu_hog_release(struct uvmsim_machine *m, struct vm_page **hog,
	    int *n);

#endif /* UVMSIM_TESTUTIL_H */

/*
 * testloan.h: what the loan suites (test_loan*.c) share.
 *
 * One process per test, made by tl_setup (or tl_setup_modern) and taken
 * apart by tl_teardown, which also asserts that every anon came back.
 * Memory is mapped through uvm_map and written through the MMU
 * (uvmsim_store), so that the pages exist with known contents; those
 * contents are checked in the frames of the loaned pages
 * (uvmsim_page_data) and, for the owner, through the MMU (uvmsim_load).
 *
 * A test pager (struct tpager) stands for a file whose I/O another CPU
 * can interfere with: a hook runs once, with everything unlocked, at the
 * end of its next PGO_SYNCIO get; it can release the page, fill an amap
 * slot or change the map, as the kernel's other CPUs could while the
 * loaning thread slept on the I/O.  It can also answer EAGAIN.
 *
 * Where a test's comment names a defect of 1.39 (D1..D8, listed in
 * src/uvm_loan.c), the test fails with 1.39's code, and says how.
 */
#ifndef UVMSIM_TESTLOAN_H
#define UVMSIM_TESTLOAN_H

#include "testutil.h"

#define VA	0x400000UL	/* the region under test */
#define VB	0x800000UL	/* a second region */
#define NMAX	8		/* pages in a loan, at most */

/* The test's machine and its one process (set by tl_setup). */
extern struct uvmsim_machine *m;
extern struct uvmexp *ux;
extern struct proc *p;
extern struct vm_map *map;
extern size_t ps;

/* A machine (256 pages) with the behaviour under test, or the modern one
 * whatever is under test, and one process; the process exits, the
 * checker runs and every anon must be free again at the end. */
int	tl_setup(void **state);
#ifndef TU_KERNEL_LOAN	/* the kernel file knows 1.39 only */
int	tl_setup_modern(void **state);
#endif
int	tl_teardown(void **state);

#define T(fn)	cmocka_unit_test_setup_teardown(fn, tl_setup, tl_teardown)
#define TM(fn)	cmocka_unit_test_setup_teardown(fn, tl_setup_modern,	\
		    tl_teardown)

/* ---- regions ---- */

/* Private anonymous memory (copy-on-write), untouched. */
void	map_anon(vaddr_t va, int npages);
/* Byte j of page i of a file made with seed. */
tu_pattern_fn fbyte;
/* A file of npages pages filled with fbyte(seed, ...), mapped at va
 * (private: copy-on-write); the caller keeps the first reference. */
struct uvm_object *map_file(vaddr_t va, int npages, int private,
	    uint8_t seed);
/* Whether pg holds page i of a file made with seed. */
int	file_frame(struct vm_page *pg, uint8_t seed, int i);

/* ---- access through the MMU, and what the frames hold ---- */

void	put(vaddr_t va, uint64_t v);
uint64_t get(vaddr_t va);
/* Mark each page: its first word tag + i, its last word ~(tag + i); and
 * read the marks back through the MMU. */
void	fill(vaddr_t va, int npages, uint64_t tag);
void	expect(vaddr_t va, int npages, uint64_t tag);
/* The word at off in pg's frame; whether the frame has fill()'s marks. */
uint64_t word(struct vm_page *pg, size_t off);
int	frame_has(struct vm_page *pg, uint64_t tag);
/* The page mapped at va, or NULL; the protection va is mapped with. */
struct vm_page *mapped(vaddr_t va);
vm_prot_t prot_at(vaddr_t va);
/* The anon in the amap slot of va, or NULL. */
struct vm_anon *anon_at(vaddr_t va);
/* Whether pg is on a paging queue. */
int	queued(const struct vm_page *pg);
/* An owned page lent to the kernel sits where the behaviour puts it. */
void	assert_kernel_lent(const struct vm_page *pg);

/*
 * A test of what only the 1.39 behaviour does: on a modern machine it
 * stops here, saying why.  The modern behaviour's own tests
 * (test_loan_modern.c, run on a modern machine whatever the behaviour
 * under test) show what it does there instead.
 */
#define ONLY_139(why) do {						\
	if (tu_modern()) {						\
		print_message("modern: %s\n", (why));			\
		skip();							\
	}								\
} while (0)

/* Bring pg's loan_count and the ledger's kloan_count to a count by hand
 * (a test cannot make 2^32 loans), with the locks a loan takes. */
void	set_loans(struct vm_page *pg, u_int count, u_int kcount);

/* A hook that only counts its runs (uvmsim_hook_runs). */
void	count_runs_hook(struct uvmsim_machine *mm, const char *point,
	    void *arg);

#ifdef TU_KERNEL_LOAN
/* D4: the failed loan left the map read-locked and the amap of the
 * entry at va locked; the checker names both; unlock them. */
void	kl_unlock_left(vaddr_t va, int line);
#endif

/* ---- a pager whose I/O others can interfere with ---- */

struct tpager {
	struct uvm_object obj;		/* must be first */
	int		eagain;		/* SYNCIO gets left to fail, EAGAIN */
	int		nio;		/* SYNCIO gets so far */
	void		(*hook)(struct tpager *, struct vm_page *);
	vaddr_t		hook_va;	/* an address for the hook */
	int		npages;		/* its size: pages from offset 0 */
};

/* The first word of the page at offset off; the rest is zeros. */
#define TP_TAG(off)	(0x7e5700000000ULL + (uint64_t)(off))

/* A test pager of npages pages mapped at va; the mapping holds its only
 * reference, so unmapping frees it. */
struct tpager *map_tpager(vaddr_t va, int npages, int private);

/* Hooks: the page being read is released; another thread's write fault
 * puts a fresh anon (first word HOOK_ANON_TAG, left in hook_anon) in the
 * amap slot of hook_va; another region (hook_va) is unmapped. */
#define HOOK_ANON_TAG	0xa11ce0000ULL
extern struct vm_anon *hook_anon;
void	hook_release(struct tpager *tp, struct vm_page *pg);
void	hook_fill_slot(struct tpager *tp, struct vm_page *busy);
void	hook_unmap_other(struct tpager *tp, struct vm_page *busy);

#endif /* UVMSIM_TESTLOAN_H */

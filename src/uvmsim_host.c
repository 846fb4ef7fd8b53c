/*
 * uvmsim_host.c: host memory: the one door through which the library
 * takes memory from the process it runs in.
 *
 * Every malloc, calloc and realloc of the library goes through
 * uvmsim__malloc, uvmsim__calloc and uvmsim__realloc, and every such
 * block goes back through uvmsim__free.  Two things follow:
 *
 *   1. The failpoint "host_alloc" stands for the host running out of
 *      memory at any one of those sites.  Its hits are counted on the
 *      machine named by the caller: the machine whose state the block
 *      belongs to.  A caller names no machine (NULL) where none can be
 *      charged or none should be: the machine structure itself, which
 *      machine creation allocates before there is a machine to count on
 *      (uvmsim_config.fail_host_alloc covers it), and the checker's own
 *      scratch memory (a check must not move the hit numbers of what it
 *      checks).  Those allocations are counted as outstanding but are
 *      no failpoint hit; a real host failure still returns NULL.
 *   2. The number of blocks outstanding, in the whole process, is kept:
 *      uvmsim_host_allocs() reads it, so a test sees a block a failure
 *      path forgot (after uvmsim_machine_destroy, the count is what it
 *      was before uvmsim_machine_create).
 *
 * Invariant: host_allocs == blocks returned by the three allocators and
 * not yet given to uvmsim__free.  The count is one relaxed atomic, since
 * machines may run on different threads; the failpoint test is the
 * armed check of every failpoint (one load, one branch) when nothing is
 * armed.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"

static atomic_long host_allocs;	/* blocks outstanding, process-wide */

/* host_fails: a hit of "host_alloc" on m (none for m NULL); true: fail. */
static inline bool
host_fails(struct uvmsim_machine *m)
{
	return m != NULL && uvmsim__fp(m, UVMSIM_FP_HOSTALLOC);
}

/*
 * uvmsim__malloc: size bytes of host memory for m's state.
 * => returns NULL when the host has none, or when failpoint "host_alloc"
 *    of m fires; the caller undoes what it began and reports ENOMEM.
 */
void *
uvmsim__malloc(struct uvmsim_machine *m, size_t size)
{
	void *p;

	if (host_fails(m) || (p = malloc(size)) == NULL)
		return NULL;
	atomic_fetch_add_explicit(&host_allocs, 1, memory_order_relaxed);
	return p;
}

/* uvmsim__calloc: n zeroed elements of size bytes; NULL as uvmsim__malloc. */
void *
uvmsim__calloc(struct uvmsim_machine *m, size_t n, size_t size)
{
	void *p;

	if (host_fails(m) || (p = calloc(n, size)) == NULL)
		return NULL;
	atomic_fetch_add_explicit(&host_allocs, 1, memory_order_relaxed);
	return p;
}

/*
 * uvmsim__realloc: old (a block of these allocators, or NULL) grown or
 * shrunk to size bytes (> 0).
 * => on failure (NULL) old is untouched and still the caller's.
 */
void *
uvmsim__realloc(struct uvmsim_machine *m, void *old, size_t size)
{
	void *p;

	KASSERT(size > 0);
	if (host_fails(m) || (p = realloc(old, size)) == NULL)
		return NULL;
	if (old == NULL)
		atomic_fetch_add_explicit(&host_allocs, 1,
		    memory_order_relaxed);
	return p;
}

/* uvmsim__free: give back a block of the allocators above (NULL: none). */
void
uvmsim__free(void *p)
{
	if (p == NULL)
		return;
	atomic_fetch_sub_explicit(&host_allocs, 1, memory_order_relaxed);
	free(p);
}

long
uvmsim_host_allocs(void)
{
	return atomic_load_explicit(&host_allocs, memory_order_relaxed);
}

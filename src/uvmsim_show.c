/*
 * uvmsim_show.c: tables of a machine's state, for people.
 *
 * uvmsim_print_state() prints the counters, then one row per frame in use:
 *
 *	frame  phys      flags     queue     owner      offset  loan wire busy
 *	    3  0x103000  B.T.F...  active    obj 1      0x2000     0    0 new alloc
 *
 * Flag letters, in bit order: B busy, W wanted, T tabled, C clean,
 * K clean-checked, R released, F fake, r read-only, Z zero.
 *
 * Nothing in the table depends on the host (pages by frame, owners by
 * serial id), so two machines driven the same way print the same; with
 * UVMSIM_SHOW_NOCLOCK (uvmsim_print_state_flags) the event clock is left
 * out too, and machines that reached one state by different numbers of
 * events (a CPU switch, a TLB refill) print the same.  Printing reads
 * only: it takes no lock and ticks no clock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"

static void
flagstr(u_short f, char *buf)
{
	static const char letters[] = "BWTCKRFrZ";
	int i;

	for (i = 0; letters[i] != '\0'; i++)
		buf[i] = (f & (1u << i)) ? letters[i] : '.';
	buf[i] = '\0';
}

/* queuestr: the queue of a frame in use (free frames have no row). */
static const char *
queuestr(u_short pq)
{
	if (pq & PQ_ACTIVE)
		return "active";
	if (pq & PQ_INACTIVE)
		return "inactive";
	return "-";
}

/*
 * print_state: the body of both calls; with noclock the first line
 * leaves the event clock out.
 */
static void
print_state(struct uvmsim_machine *m, FILE *fp, bool noclock)
{
	const struct uvmexp *ux = &m->uvmexp;
	struct vm_page *pg;
	char flags[16], owner[32];
	size_t i;

	if (noclock)
		fprintf(fp, "machine: %d frames of %d bytes\n", ux->npages,
		    ux->pagesize);
	else
		fprintf(fp, "machine: %d frames of %d bytes, clock %" PRIu64
		    "\n", ux->npages, ux->pagesize, m->clock);
	fprintf(fp, "uvmexp: free %d (zero %d) active %d inactive %d "
	    "wired %d anonpages %d paging %d\n", ux->free, ux->zeropages,
	    ux->active, ux->inactive, ux->wired, ux->anonpages, ux->paging);
	fprintf(fp, "anons: %d (%d free)\n", ux->nanon, ux->nfreeanon);
	fprintf(fp, "%6s  %-10s %-9s %-8s %-12s %8s %4s %4s %s\n", "frame",
	    "phys", "flags", "queue", "owner", "offset", "loan", "wire",
	    "busy");
	for (i = 0; i < m->npages; i++) {
		pg = &m->pages[i];
		if (pg->pqflags & PQ_FREE)
			continue;
		flagstr(pg->flags, flags);
		if (pg->uobject != NULL && pg->uanon != NULL)
			snprintf(owner, sizeof(owner), "obj %u+anon %u",
			    pg->uobject->uo_id, pg->uanon->an_id);
		else if (pg->uobject != NULL)
			snprintf(owner, sizeof(owner), "obj %u%s",
			    pg->uobject->uo_id,
			    (pg->pqflags & PQ_AOBJ) ? " (aobj)" : "");
		else if (pg->uanon != NULL)
			snprintf(owner, sizeof(owner), "anon %u",
			    pg->uanon->an_id);
		else
			snprintf(owner, sizeof(owner), "%s",
			    pg->loan_count ? "orphan" : "kernel");
		fprintf(fp, "%6zu  %#-10" PRIx64 " %-9s %-8s %-12s %#8" PRIx64
		    " %4u %4u %s\n", i, (uint64_t)pg->phys_addr, flags,
		    queuestr(pg->pqflags), owner, (uint64_t)pg->offset,
		    pg->loan_count, pg->wire_count,
		    pg->owner_tag ? pg->owner_tag : "-");
	}
}

void
uvmsim_print_state(struct uvmsim_machine *m, FILE *fp)
{
	if (m == NULL || fp == NULL) {
		(void)uvmsim__error(m, EINVAL, "uvmsim_print_state: %s: NULL",
		    m == NULL ? "m" : "fp");
		return;
	}
	print_state(m, fp, false);
}

/*
 * uvmsim_print_state_flags: the table, with UVMSIM_SHOW_ flags.
 *
 * => EINVAL (named, nothing printed) for m or fp NULL or unknown flags.
 */
int
uvmsim_print_state_flags(struct uvmsim_machine *m, FILE *fp, unsigned flags)
{
	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_print_state_flags: "
		    "m: NULL");
	if (fp == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_print_state_flags: "
		    "fp: NULL");
	if (flags & ~(unsigned)UVMSIM_SHOW_NOCLOCK)
		return uvmsim__error(m, EINVAL, "uvmsim_print_state_flags: "
		    "flags: unknown bits %#x", flags &
		    ~(unsigned)UVMSIM_SHOW_NOCLOCK);
	print_state(m, fp, (flags & UVMSIM_SHOW_NOCLOCK) != 0);
	return 0;
}

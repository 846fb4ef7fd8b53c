/*
 * tour.c: a first look at uvmsim.
 *
 * Boots a machine of 32 frames and two CPUs, makes a file of three pages
 * and brings two of them in through the file's pager, makes an anon with a
 * zeroed page, writes into it, puts it in an amap, and prints the state
 * table and the trace of everything that happened.  Then a process writes
 * its memory through the MMU, forks, and parent and child each see their
 * own copy.  Then the parent fills more memory than the machine has: the
 * page daemon, run by hand and by allocations that find no free frame,
 * pages anons out to the machine's swap, and a load faults the first one
 * back in, its contents intact.  At the end it takes it all down and
 * shows that the invariant checker finds nothing wrong.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uvmsim/uvmsim.h>

static void
die(const char *what, int error)
{
	fprintf(stderr, "tour: %s: %s: %s\n", what, uvmsim_strerror(error),
	    uvmsim_last_error());
	exit(1);
}

int
main(void)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct uvm_object *file;
	struct vm_page *pgs[2] = { NULL, NULL };
	struct vm_anon *anon;
	struct vm_amap *amap;
	struct vm_aref aref;
	char text[] = "hello from the backing store";
	struct proc *parent, *child;
	uint64_t pv, cv;
	vaddr_t va;
	size_t ps;
	int error, npages, i;

	uvmsim_config_init(&cfg);
	cfg.npages = 32;
	cfg.ncpus = 2;
	cfg.swap_slots = 32;
	cfg.uvm_wait = UVMSIM_WAIT_PAGEDAEMON;
	if ((error = uvmsim_machine_create(&cfg, &m)) != 0)
		die("uvmsim_machine_create", error);
	uvmsim_machine_enter(m);
	ps = uvmsim_page_size(m);

	/* A file of three pages; bring the first two in. */
	if ((error = uvmsim_file_create(m, 3 * ps, &file)) != 0)
		die("uvmsim_file_create", error);
	if ((error = uvmsim_file_write(m, file, 0, text, sizeof(text))) != 0)
		die("uvmsim_file_write", error);
	npages = 2;
	simple_lock(&file->vmobjlock);
	error = file->pgops->pgo_get(file, 0, pgs, &npages, 0, VM_PROT_READ,
	    MADV_NORMAL, PGO_SYNCIO);
	if (error != 0)
		die("pgo_get", error);
	/* pgo_get returned the pages busy, the object unlocked. */
	simple_lock(&file->vmobjlock);
	uvm_lock_pageq();
	for (i = 0; i < npages; i++)
		uvm_pageactivate(pgs[i]);
	uvm_unlock_pageq();
	uvm_page_unbusy(pgs, npages);
	simple_unlock(&file->vmobjlock);
	printf("page 0 of the file reads: \"%s\"\n",
	    (char *)uvmsim_page_data(m, pgs[0]));

	/* An anon with a zeroed page, written to, in slot 1 of an amap. */
	anon = uvm_analloc();			/* returned locked */
	if (anon == NULL || uvm_pagealloc(NULL, 0, anon, UVM_PGA_ZERO) == NULL)
		die("uvm_analloc/uvm_pagealloc", 12);
	strcpy(uvmsim_page_data(m, anon->u.an_page), "anonymous data");
	anon->u.an_page->flags &= ~PG_FAKE;	/* contents valid now */
	uvm_page_unbusy(&anon->u.an_page, 1);
	uvm_lock_pageq();
	uvm_pageactivate(anon->u.an_page);
	uvm_unlock_pageq();
	simple_unlock(&anon->an_lock);
	amap = amap_alloc(4 * ps, 0, 0);
	aref.ar_amap = amap;
	aref.ar_pageoff = 0;
	amap_lock(amap);
	amap_add(&aref, 1 * ps, anon, FALSE);	/* the slot takes our ref */
	amap_unlock(amap);

	printf("\n== state ==\n");
	uvmsim_print_state(m, stdout);
	printf("\n== trace ==\n");
	uvmsim_trace_dump(m, stdout, 100);

	/* Take it down: the amap's last reference frees the anon and its
	 * page; the file's last reference frees its pages and the file. */
	amap_unref(amap, 0, 4, TRUE);
	file->pgops->pgo_detach(file);

	/* A process: one private page, written through CPU 0's MMU. */
	if ((error = uvmsim_proc_create(m, &parent)) != 0)
		die("uvmsim_proc_create", error);
	va = 0x100000;
	error = uvm_map(&parent->p_vmspace->vm_map, &va, ps, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW));
	if (error != 0)
		die("uvm_map", error);
	uvmsim_store(m, 0, parent->p_vmspace, va, 8, 1111);	/* zero fill */
	if ((error = uvmsim_proc_fork(m, parent, &child)) != 0)
		die("uvmsim_proc_fork", error);
	uvmsim_store(m, 1, child->p_vmspace, va, 8, 2222);	/* copy on write */
	uvmsim_load(m, 0, parent->p_vmspace, va, 8, &pv);
	uvmsim_load(m, 1, child->p_vmspace, va, 8, &cv);
	printf("\n== after fork ==\nparent (pid %d) reads %" PRIu64
	    ", child (pid %d) reads %" PRIu64 "\n", (int)parent->p_pid, pv,
	    (int)child->p_pid, cv);
	uvmsim_print_state(m, stdout);
	uvmsim_proc_exit(m, child);

	/* Memory pressure: 40 private pages on a machine of 32 frames.
	 * Each allocation that finds no free frame runs the page daemon
	 * (cfg.uvm_wait), which writes anons out to swap; one more run by
	 * hand, then the first page is loaded: a fault reads it back. */
	va = 0x400000;
	error = uvm_map(&parent->p_vmspace->vm_map, &va, 40 * ps, NULL,
	    UVM_UNKNOWN_OFFSET, 0, UVM_MAPFLAG(VM_PROT_READ | VM_PROT_WRITE,
	    VM_PROT_ALL, UVM_INH_COPY, UVM_ADV_NORMAL, UVM_FLAG_COPYONW));
	if (error != 0)
		die("uvm_map", error);
	for (i = 0; i < 40; i++)
		if ((error = uvmsim_store(m, 0, parent->p_vmspace,
		    va + (vaddr_t)i * ps, 8, 5000 + (uint64_t)i)) != 0)
			die("uvmsim_store", error);
	if (uvmsim_pagedaemon_run(m, 0) < 0)
		die("uvmsim_pagedaemon_run", EINVAL);
	printf("\n== after pageout ==\n%d pages written to swap\n",
	    uvmsim_uvmexp(m)->pgswapout);
	uvmsim_print_state(m, stdout);
	if ((error = uvmsim_load(m, 0, parent->p_vmspace, va, 8, &pv)) != 0)
		die("uvmsim_load", error);
	printf("\n== read back ==\nthe first page reads %" PRIu64 " (%d "
	    "pages read from swap)\n", pv, uvmsim_uvmexp(m)->pgswapin);
	uvmsim_proc_exit(m, parent);
	printf("\n== after teardown ==\n");
	uvmsim_print_state(m, stdout);
	printf("invariant checker: %d problem(s)\n", uvmsim_check(m, NULL));
	uvmsim_machine_leave(m);
	uvmsim_machine_destroy(m);
	return 0;
}

/*
 * uvmsim_proc.c: processes, as far as the VM system sees them.
 *
 * A process is an identity (p_pid, from 1, never reused) and an address
 * space (p_vmspace, one reference).  The simulator's API creates one with
 * an empty address space over the architecture's user range, forks one
 * (uvmspace_fork: each entry shared, copied or left out as its inheritance
 * says) and ends one (uvmspace_free, which unmaps everything).
 *
 * States: a process is alive from uvmsim_proc_create or uvmsim_proc_fork
 * until uvmsim_proc_exit; there is no zombie state, nothing waits.
 *
 * Invariants (checked by uvmsim__check_maps):
 *   1. every process on m->procs has a live address space of m.
 *   2. pids increase in creation order.
 *
 * Each call makes its machine current for its duration, as every uvmsim_
 * call that runs kernel code does, and checks its arguments: NULL or a
 * process of another machine is EINVAL, with a message naming the
 * argument.  A machine without an MMU (arch "none") has no address spaces
 * and no processes.
 */
#include <errno.h>
#include <stdlib.h>

#include "uvmsim_state.h"
#include "uvmsim_cur.h"
#include "uvmsim_trace.h"

/*
 * proc_of: true when p is one of m's live processes.
 */
static bool
proc_of(struct uvmsim_machine *m, const struct proc *p)
{
	const struct proc *q;

	TAILQ_FOREACH(q, &m->procs, p_list)
		if (q == p)
			return true;
	return false;
}

/*
 * proc_new: a process around vs (whose reference it takes over), on m's
 * list with the next pid; NULL when the host has no memory.
 */
static struct proc *
proc_new(struct uvmsim_machine *m, struct vmspace *vs)
{
	struct proc *p;

	p = uvmsim__calloc(m, 1, sizeof(*p));
	if (p == NULL)
		return NULL;
	p->p_vmspace = vs;
	p->p_pid = ++m->next_pid;
	TAILQ_INSERT_TAIL(&m->procs, p, p_list);
	uvmsim__ev(m, UVMSIM_EV_PROC_CREATE, (uint64_t)p->p_pid, vs->vm_id, 0,
	    0);
	return p;
}

/*
 * uvmsim_proc_create: a new process with an empty address space over
 * [vmparam.user_min, vmparam.user_max).
 *
 * => 0 with *pp set; EINVAL for bad arguments or a machine without an
 *    MMU; ENOMEM when the host has no memory (or no pmap can be had).
 */
int
uvmsim_proc_create(struct uvmsim_machine *m, struct proc **pp)
{
	struct uvmsim__saved sv;
	struct vmspace *vs;
	struct proc *p;
	int error = 0;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_proc_create: m: "
		    "NULL");
	if (pp == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_proc_create: pp: "
		    "NULL");
	if (m->pmap_sim == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_proc_create: machine "
		    "has no MMU (arch none)");
	sv = uvmsim__switch(m);
	vs = uvmspace_alloc(m->vmparam.user_min, m->vmparam.user_max);
	if (vs == NULL) {
		error = uvmsim__error(m, ENOMEM, "uvmsim_proc_create: no "
		    "memory for an address space");
		goto out;
	}
	p = proc_new(m, vs);
	if (p == NULL) {
		uvmspace_free(vs);
		error = uvmsim__error(m, ENOMEM, "uvmsim_proc_create: no "
		    "host memory for a process");
		goto out;
	}
	*pp = p;
out:
	uvmsim__restore(sv);
	return error;
}

/*
 * uvmsim_proc_fork: a child of parent with a fork of its address space.
 *
 * => 0 with *childp set; EINVAL for bad arguments; ENOMEM when a page,
 *    an anon, an amap or host memory for the copy cannot be had, with
 *    the child freed and the parent's memory as it was.
 */
int
uvmsim_proc_fork(struct uvmsim_machine *m, struct proc *parent,
    struct proc **childp)
{
	struct uvmsim__saved sv;
	struct vmspace *vs;
	struct proc *p;
	int error = 0;

	if (m == NULL)
		return uvmsim__error(NULL, EINVAL, "uvmsim_proc_fork: m: NULL");
	if (parent == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_proc_fork: parent: "
		    "NULL");
	if (childp == NULL)
		return uvmsim__error(m, EINVAL, "uvmsim_proc_fork: childp: "
		    "NULL");
	if (!proc_of(m, parent))
		return uvmsim__error(m, EINVAL, "uvmsim_proc_fork: parent: "
		    "not a process of this machine");
	sv = uvmsim__switch(m);
	vs = uvmspace_fork(parent->p_vmspace);
	if (vs == NULL) {
		error = uvmsim__error(m, ENOMEM, "uvmsim_proc_fork: no memory "
		    "to fork the address space of pid %d", (int)parent->p_pid);
		goto out;
	}
	p = proc_new(m, vs);
	if (p == NULL) {
		uvmspace_free(vs);
		error = uvmsim__error(m, ENOMEM, "uvmsim_proc_fork: no host "
		    "memory for a process");
		goto out;
	}
	*childp = p;
out:
	uvmsim__restore(sv);
	return error;
}

/*
 * uvmsim_proc_exit: end a process: its address space goes (every
 * mapping's references dropped), then the process.
 *
 * => a NULL or foreign p is refused with EINVAL recorded as the last
 *    error, and nothing happens.
 */
void
uvmsim_proc_exit(struct uvmsim_machine *m, struct proc *p)
{
	struct uvmsim__saved sv;

	if (m == NULL) {
		(void)uvmsim__error(NULL, EINVAL, "uvmsim_proc_exit: m: NULL");
		return;
	}
	if (p == NULL) {
		(void)uvmsim__error(m, EINVAL, "uvmsim_proc_exit: p: NULL");
		return;
	}
	if (!proc_of(m, p)) {
		(void)uvmsim__error(m, EINVAL, "uvmsim_proc_exit: p: not a "
		    "process of this machine");
		return;
	}
	sv = uvmsim__switch(m);
	uvmsim__ev(m, UVMSIM_EV_PROC_EXIT, (uint64_t)p->p_pid, 0, 0, 0);
	TAILQ_REMOVE(&m->procs, p, p_list);
	uvmspace_free(p->p_vmspace);
	uvmsim__free(p);
	uvmsim__restore(sv);
}

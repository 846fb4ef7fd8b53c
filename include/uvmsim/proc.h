/*
 * uvmsim/proc.h: processes, as far as the VM system sees them: an
 * address space and an identity.
 */
#ifndef UVMSIM_PROC_H
#define UVMSIM_PROC_H

#include <sys/queue.h>

#include <uvmsim/types.h>

struct vmspace;

struct proc {
	struct vmspace	*p_vmspace;	/* the address space */
	pid_t		p_pid;		/* process id, from 1 */
	TAILQ_ENTRY(proc) p_list;	/* simulator: machine's processes */
};

#endif /* UVMSIM_PROC_H */

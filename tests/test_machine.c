/*
 * test_machine.c: creating and destroying machines, their configuration
 * errors, the current machine, CPUs and the seeded random numbers.
 */
#include "testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void
expect_bad_config(const struct uvmsim_config *cfg, int err, const char *text)
{
	struct uvmsim_machine *m = (void *)1;

	assert_int_equal(uvmsim_machine_create(cfg, &m), err);
	assert_null(m);
	if (strstr(uvmsim_last_error(), text) == NULL)
		fail_msg("error \"%s\" does not name \"%s\"",
		    uvmsim_last_error(), text);
}

static void
test_defaults(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct uvmexp *ux;

	(void)state;
	tu_config(&cfg, 64);
	cfg.arch = NULL;		/* the default architecture */
	m = tu_machine_cfg(&cfg);
	ux = uvmsim_uvmexp(m);
	assert_int_equal(ux->npages, 64);
	/* The kernel's page tables are the only frames in use at boot. */
	assert_true(ux->wired > 0);
	assert_int_equal(ux->free, 64 - ux->wired);
	assert_int_equal(ux->zeropages, ux->free);
	assert_int_equal(ux->pagesize, 4096);
	assert_int_equal(ux->pageshift, 12);
	assert_int_equal(ux->pagemask, 4095);
	assert_int_equal(uvmsim_page_size(m), 4096);
	assert_int_equal(uvmsim_npages(m), 64);
	assert_ptr_equal(uvmsim_machine_current(), m);
	CHECK(m);
	tu_destroy(m);
	assert_null(uvmsim_machine_current());
}

static void
test_bad_config(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;

	(void)state;
	assert_int_equal(uvmsim_machine_create(NULL, &m), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "cfg"));
	uvmsim_config_init(&cfg);
	assert_int_equal(uvmsim_machine_create(&cfg, NULL), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "mp"));

	uvmsim_config_init(&cfg);
	cfg.npages = 0;
	expect_bad_config(&cfg, EINVAL, "npages");
	uvmsim_config_init(&cfg);
	cfg.page_size = 3000;
	expect_bad_config(&cfg, EINVAL, "page_size");
	cfg.page_size = 512;
	expect_bad_config(&cfg, EINVAL, "page_size");
	cfg.page_size = 1 << 20;
	expect_bad_config(&cfg, EINVAL, "page_size");
	cfg.page_size = 8192;		/* fine, but not for x86_64 */
	expect_bad_config(&cfg, EINVAL, "page_size");
	uvmsim_config_init(&cfg);
	cfg.arch = "vax";
	expect_bad_config(&cfg, EINVAL, "arch");
	cfg.page_size = 4096;		/* named or not, the arch is checked */
	expect_bad_config(&cfg, EINVAL, "arch");
	uvmsim_config_init(&cfg);
	cfg.tlb_entries = 48;
	expect_bad_config(&cfg, EINVAL, "tlb_entries");
	uvmsim_config_init(&cfg);
	cfg.tlb_ways = 3;
	expect_bad_config(&cfg, EINVAL, "tlb_ways");
	uvmsim_config_init(&cfg);
	cfg.ncpus = 0;
	expect_bad_config(&cfg, EINVAL, "ncpus");
	cfg.ncpus = UVMSIM_MAXCPUS + 1;
	expect_bad_config(&cfg, EINVAL, "ncpus");
	uvmsim_config_init(&cfg);
	cfg.trace = 0x80000000u;
	expect_bad_config(&cfg, EINVAL, "trace");
	uvmsim_config_init(&cfg);
	cfg.trace_ring = (size_t)1 << 40;
	expect_bad_config(&cfg, EINVAL, "trace_ring");
	uvmsim_config_init(&cfg);
	cfg.reserve_kernel = -1;
	expect_bad_config(&cfg, EINVAL, "reserve_kernel");
	uvmsim_config_init(&cfg);
	cfg.reserve_pagedaemon = 5000;
	expect_bad_config(&cfg, EINVAL, "reserve_pagedaemon");
	/* More than the host can reserve: 2^31 - 1 frames of 64 KiB. */
	uvmsim_config_init(&cfg);
	cfg.npages = 0x7fffffff;
	cfg.page_size = 65536;
	expect_bad_config(&cfg, ENOMEM, "npages");
	uvmsim_config_init(&cfg);
	cfg.npages = (size_t)1 << 40;
	expect_bad_config(&cfg, EINVAL, "npages");
	assert_string_equal(uvmsim_strerror(EINVAL), "invalid argument");
	assert_string_equal(uvmsim_strerror(ENOMEM), "out of memory");
	assert_string_equal(uvmsim_strerror(-12345), "unknown error");
}

/*
 * Every architecture the library names makes a machine whose page size is
 * its own when the config leaves page_size 0, and "none" then has 4 KiB.
 */
static void
test_arch_names(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	const char *name;
	size_t ps;
	unsigned i;

	(void)state;
	assert_string_equal(uvmsim_arch_name(0), "x86_64");
	for (i = 0; (name = uvmsim_arch_name(i)) != NULL; i++) {
		assert_true(i < 64);
		tu_config(&cfg, 64);
		assert_int_equal(cfg.page_size, 0);
		cfg.arch = name;
		m = tu_machine_cfg(&cfg);
		assert_int_equal(uvmsim_uvmexp(m)->pagesize,
		    (int)uvmsim_page_size(m));
		assert_true(uvmsim_page_size(m) >= 4096);
		CHECK(m);
		ps = uvmsim_page_size(m);
		tu_destroy(m);
		/* The same size named explicitly is accepted... */
		cfg.page_size = ps;
		m = tu_machine_cfg(&cfg);
		assert_int_equal(uvmsim_page_size(m), ps);
		tu_destroy(m);
		/* ...and another is not. */
		cfg.page_size *= 2;
		expect_bad_config(&cfg, EINVAL, "page_size");
	}
	assert_null(uvmsim_arch_name(i));
	assert_null(uvmsim_arch_name(~0u));
	tu_config(&cfg, 8);
	cfg.arch = "none";
	m = tu_machine_cfg(&cfg);
	assert_int_equal(uvmsim_page_size(m), 4096);
	CHECK(m);
	tu_destroy(m);
}

static void
test_page_sizes(void **state)
{
	static const size_t sizes[] = { 1024, 8192, 16384, 65536 };
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct vm_page *pg;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uvmsim_config_init(&cfg);
		cfg.npages = 8;
		cfg.page_size = sizes[i];
		cfg.arch = "none";	/* x86_64 pages are 4 KiB */
		m = tu_machine_cfg(&cfg);
		assert_int_equal(uvmsim_uvmexp(m)->pagesize, (int)sizes[i]);
		pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
		assert_non_null(pg);
		assert_true(tu_is_zero(m, pg));
		assert_int_equal(pg->phys_addr % sizes[i], 0);
		assert_ptr_equal(PHYS_TO_VM_PAGE(pg->phys_addr + 5), pg);
		tu_pagefree(pg);
		CHECK(m);
		tu_destroy(m);
	}
}

/* A million frames cost little until touched. */
static void
test_large_lazy(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct vm_page *pg;
	int free0;

	(void)state;
	uvmsim_config_init(&cfg);
	cfg.npages = 1 << 20;
	m = tu_machine_cfg(&cfg);
	free0 = uvmsim_uvmexp(m)->free;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_non_null(pg);
	memset(uvmsim_page_data(m, pg), 0x5a, uvmsim_page_size(m));
	tu_pagefree(pg);
	assert_int_equal(uvmsim_uvmexp(m)->free, free0);
	tu_destroy(m);
}

static void
test_many_machines(void **state)
{
	struct uvmsim_machine *a, *b;
	struct vm_page *pa, *pb;

	(void)state;
	a = tu_machine_phys(4);
	b = tu_machine_phys(8);
	/* b is current: kernel calls act on it. */
	pb = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_int_equal(uvmsim_uvmexp(b)->free, 7);
	assert_int_equal(uvmsim_uvmexp(a)->free, 4);
	uvmsim_machine_leave(b);
	assert_ptr_equal(uvmsim_machine_current(), a);
	pa = uvm_pagealloc(NULL, 0, NULL, 0);
	assert_int_equal(uvmsim_uvmexp(a)->free, 3);
	/* A page of another machine is refused, not corrupted. */
	EXPECT_PANIC(a, uvm_pagefree(pb), "not a page of this machine");
	tu_pagefree(pa);
	CHECK(a);
	uvmsim_machine_enter(b);
	tu_pagefree(pb);
	CHECK(b);
	tu_destroy(b);
	tu_destroy(a);
	assert_null(uvmsim_machine_current());
}

static void
test_enter_leave_misuse(void **state)
{
	struct uvmsim_machine *a, *b;

	(void)state;
	a = tu_machine(4);
	b = tu_machine(4);
	EXPECT_PANIC(a, uvmsim_machine_leave(a), "not the current one");
	tu_destroy(b);
	tu_destroy(a);
}

/* Calling a kernel function with no current machine is a clear panic. */
static void
test_no_machine(void **state)
{
	int status, fds[2];
	char buf[256] = { 0 };
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		(void)uvm_pagealloc(NULL, 0, NULL, 0);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(buf, "uvm_pagealloc: no current machine"));
}

/*
 * What belongs to one machine is refused by another: uvmsim_ calls say
 * EINVAL naming the argument, kernel-named calls panic, and neither
 * machine changes.
 */
static void
test_foreign_objects(void **state)
{
	struct uvmsim_machine *a, *b;
	struct proc *pa, *pb, *child = NULL;
	struct vm_page *pgb;
	struct vm_anon *anb;
	struct uvm_object *fb;
	vaddr_t va = 0x400000;
	uint64_t v = 0;
	paddr_t pa_;
	char buf[8];

	(void)state;
	a = tu_machine(64);
	b = tu_machine(64);		/* b current */
	assert_int_equal(uvmsim_proc_create(a, &pa), 0);
	assert_int_equal(uvmsim_proc_create(b, &pb), 0);
	tu_map_anon(b, &pb->p_vmspace->vm_map, va, 1,
	    VM_PROT_READ | VM_PROT_WRITE, UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(b, 0, pb->p_vmspace, va, 8, 0x55), 0);
	assert_int_equal(uvmsim_translate(b, pb->p_vmspace, va, &pa_, NULL),
	    0);
	pgb = PHYS_TO_VM_PAGE(pa_);
	assert_non_null(pgb);
	anb = pgb->uanon;
	assert_non_null(anb);
	assert_int_equal(uvmsim_file_create(b, uvmsim_page_size(b), &fb), 0);
	CHECK(b);
	uvmsim_machine_leave(b);	/* a current */

	/* uvmsim_ calls on a, handed b's things. */
	assert_int_equal(uvmsim_load(a, 0, pb->p_vmspace, va, 8, &v), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(),
	    "uvmsim_load: vs: an address space of another machine"));
	assert_int_equal(uvmsim_store(a, 0, pb->p_vmspace, va, 8, 1), EINVAL);
	assert_int_equal(uvmsim_fetch(a, 0, pb->p_vmspace, va, 8, &v), EINVAL);
	assert_int_equal(uvmsim_copyin(a, 0, pb->p_vmspace, va, buf, 8),
	    EINVAL);
	assert_int_equal(uvmsim_copyout(a, 0, pb->p_vmspace, buf, va, 8),
	    EINVAL);
	assert_int_equal(uvmsim_translate(a, pb->p_vmspace, va, &pa_, NULL),
	    EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "another machine"));
	assert_int_equal(uvmsim_proc_fork(a, pb, &child), EINVAL);
	assert_null(child);
	uvmsim_proc_exit(a, pb);
	assert_non_null(strstr(uvmsim_last_error(),
	    "not a process of this machine"));
	assert_true(uvmsim_page_frame(a, pgb) == (size_t)-1);
	assert_non_null(strstr(uvmsim_last_error(), "uvmsim_page_frame: pg"));
	assert_null(uvmsim_page_data(a, pgb));
	assert_int_equal(uvmsim_file_read(a, fb, 0, buf, 8), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "a file of another "
	    "machine"));
	assert_int_equal(uvmsim_file_write(a, fb, 0, buf, 8), EINVAL);
	assert_int_equal(uvmsim_is_file(a, fb), 0);
	assert_int_equal(uvmsim_is_file(b, fb), 1);

	/* Kernel-named calls with a current, handed b's things. */
	EXPECT_PANIC(a, uvm_unloan(&pgb, 1, UVM_LOAN_TOPAGE),
	    "not a page of this machine");
	EXPECT_PANIC(a, uvm_unloan(&anb, 1, UVM_LOAN_TOANON),
	    "not a page of this machine");
	EXPECT_PANIC(a, { uvm_lock_pageq(); uvm_pageactivate(pgb); },
	    "uvm_pageactivate: not a page of this machine");
	EXPECT_PANIC(a, { uvm_lock_pageq(); uvm_pagedeactivate(pgb); },
	    "uvm_pagedeactivate: not a page");
	EXPECT_PANIC(a, { uvm_lock_pageq(); uvm_pagewire(pgb); },
	    "uvm_pagewire: not a page");
	EXPECT_PANIC(a, uvm_unmap(&pb->p_vmspace->vm_map, va,
	    va + uvmsim_page_size(b)),
	    "is not a map of the current machine");
	EXPECT_PANIC(a, (void)uvm_fault(&pb->p_vmspace->vm_map, va,
	    VM_FAULT_INVALID, VM_PROT_READ), "not a map of the current");
	EXPECT_PANIC(a, (void)uvm_loan(&pb->p_vmspace->vm_map, va,
	    uvmsim_page_size(b),
	    &pgb, UVM_LOAN_TOPAGE), "not a map of the current");
	CHECK(a);

	/* b is as it was. */
	assert_int_equal(anb->an_ref, 1);
	assert_int_equal(pgb->loan_count, 0);
	assert_int_equal(uvmsim_load(b, 0, pb->p_vmspace, va, 8, &v), 0);
	assert_int_equal(v, 0x55);
	uvmsim_machine_enter(b);
	CHECK(b);
	fb->pgops->pgo_detach(fb);
	uvmsim_proc_exit(b, pb);
	CHECK(b);
	uvmsim_machine_leave(b);
	uvmsim_proc_exit(a, pa);
	CHECK(a);
	uvmsim_machine_enter(b);
	tu_destroy(b);
	tu_destroy(a);
	assert_null(uvmsim_machine_current());
}

/* The message of the last failure names func and the argument. */
#define EXPECT_NULL_MSG(func, arg) do {					\
	assert_non_null(strstr(uvmsim_last_error(), func ": " arg ": "));\
} while (0)

/*
 * Every public call handed a NULL machine (or another NULL argument it
 * needs) refuses with EINVAL, or the documented value for calls that do
 * not return an errno, and a message naming the argument: none crashes.
 */
static void
test_null_arguments(void **state)
{
	struct uvmsim_machine *m;
	struct uvmsim_report r = { 0 };
	struct uvmsim_segv segv;
	struct uvmsim_event ev;
	struct uvmsim_catch c;
	struct uvmsim_tlb_stats st;
	struct uvm_object *f;
	struct proc *p;
	uint64_t v;
	size_t sz;
	char buf[64];

	(void)state;
	assert_null(uvmsim_uvmexp(NULL));
	EXPECT_NULL_MSG("uvmsim_uvmexp", "m");
	assert_int_equal(uvmsim_check(NULL, NULL), -1);
	EXPECT_NULL_MSG("uvmsim_check", "m");
	assert_int_equal(uvmsim_check(NULL, &r), -1);
	assert_int_equal(r.count, 0);
	uvmsim_set_panic_handler(NULL, tu_cmocka_panic, NULL);
	EXPECT_NULL_MSG("uvmsim_set_panic_handler", "m");
	assert_int_equal(uvmsim_failpoint_set(NULL, "uvm_pagealloc", 1, 1),
	    EINVAL);
	EXPECT_NULL_MSG("uvmsim_failpoint_set", "m");
	assert_true(uvmsim_failpoint_hits(NULL, "uvm_pagealloc") == ~0UL);
	EXPECT_NULL_MSG("uvmsim_failpoint_hits", "m");
	assert_true(uvmsim_failpoint_fired(NULL, "uvm_pagealloc") == ~0UL);
	EXPECT_NULL_MSG("uvmsim_failpoint_fired", "m");
	uvmsim_failpoint_clear(NULL);
	EXPECT_NULL_MSG("uvmsim_failpoint_clear", "m");
	assert_int_equal(uvmsim_hook_set(NULL, "pgo_get", NULL, NULL), EINVAL);
	EXPECT_NULL_MSG("uvmsim_hook_set", "m");
	assert_true(uvmsim_hook_runs(NULL, "pgo_get") == ~0UL);
	EXPECT_NULL_MSG("uvmsim_hook_runs", "m");
	assert_int_equal(uvmsim_trace_ring(NULL, &ev, 1), 0);
	EXPECT_NULL_MSG("uvmsim_trace_ring", "m");
	assert_int_equal(uvmsim_trace_set(NULL, 0), EINVAL);
	EXPECT_NULL_MSG("uvmsim_trace_set", "m");
	uvmsim_trace_text(NULL, stderr);
	EXPECT_NULL_MSG("uvmsim_trace_text", "m");
	uvmsim_trace_callback(NULL, NULL, NULL);
	EXPECT_NULL_MSG("uvmsim_trace_callback", "m");
	uvmsim_trace_dump(NULL, stderr, 4);
	EXPECT_NULL_MSG("uvmsim_trace_dump", "m");
	assert_int_equal(uvmsim_event_format(NULL, buf, sizeof(buf)), -1);
	EXPECT_NULL_MSG("uvmsim_event_format", "ev");
	assert_string_equal(buf, "");
	assert_null(uvmsim_vmparam(NULL));
	EXPECT_NULL_MSG("uvmsim_vmparam", "m");
	memset(&segv, 0xff, sizeof(segv));
	uvmsim_last_segv(NULL, &segv);
	EXPECT_NULL_MSG("uvmsim_last_segv", "m");
	assert_int_equal(segv.addr, 0);
	assert_int_equal(uvmsim_page_size(NULL), 0);
	EXPECT_NULL_MSG("uvmsim_page_size", "m");
	assert_int_equal(uvmsim_npages(NULL), 0);
	assert_int_equal(uvmsim_seed(NULL), 0);
	assert_int_equal(uvmsim_clock(NULL), 0);
	assert_int_equal(uvmsim_random(NULL), 0);
	EXPECT_NULL_MSG("uvmsim_random", "m");
	assert_null(uvmsim_page(NULL, 0));
	EXPECT_NULL_MSG("uvmsim_page", "m");
	assert_true(uvmsim_page_frame(NULL, NULL) == (size_t)-1);
	EXPECT_NULL_MSG("uvmsim_page_frame", "m");
	assert_null(uvmsim_page_data(NULL, NULL));
	EXPECT_NULL_MSG("uvmsim_page_data", "m");
	assert_int_equal(uvmsim_cpu_set(NULL, 0), EINVAL);
	EXPECT_NULL_MSG("uvmsim_cpu_set", "m");
	assert_true(uvmsim_cpu_current(NULL) == (unsigned)-1);
	EXPECT_NULL_MSG("uvmsim_cpu_current", "m");
	uvmsim_machine_enter(NULL);
	EXPECT_NULL_MSG("uvmsim_machine_enter", "m");
	assert_null(uvmsim_machine_current());
	uvmsim_machine_leave(NULL);
	EXPECT_NULL_MSG("uvmsim_machine_leave", "m");
	uvmsim_config_init(NULL);
	EXPECT_NULL_MSG("uvmsim_config_init", "cfg");
	assert_int_equal(uvmsim_proc_create(NULL, &p), EINVAL);
	assert_int_equal(uvmsim_load(NULL, 0, NULL, 0, 8, &v), EINVAL);
	assert_int_equal(uvmsim_store(NULL, 0, NULL, 0, 8, 0), EINVAL);
	assert_int_equal(uvmsim_translate(NULL, NULL, 0, NULL, NULL), EINVAL);
	assert_int_equal(uvmsim_tlb_stats(NULL, 0, &st), EINVAL);
	assert_int_equal(uvmsim_file_create(NULL, 16, &f), EINVAL);
	EXPECT_NULL_MSG("uvmsim_file_create", "m");
	assert_null(f);
	assert_int_equal(uvmsim_file_write(NULL, NULL, 0, buf, 1), EINVAL);
	EXPECT_NULL_MSG("uvmsim_file_write", "m");
	assert_int_equal(uvmsim_file_read(NULL, NULL, 0, buf, 1), EINVAL);
	EXPECT_NULL_MSG("uvmsim_file_read", "m");
	assert_int_equal(uvmsim_file_size(NULL, NULL, &sz), EINVAL);
	EXPECT_NULL_MSG("uvmsim_file_size", "m");
	assert_int_equal(uvmsim_is_file(NULL, NULL), 0);
	EXPECT_NULL_MSG("uvmsim_is_file", "m");
	uvmsim_print_state(NULL, stderr);
	EXPECT_NULL_MSG("uvmsim_print_state", "m");
	uvmsim_report_print(NULL, stderr);
	EXPECT_NULL_MSG("uvmsim_report_print", "r");
	assert_null(uvmsim_report_find(NULL, "page.queue", NULL));
	EXPECT_NULL_MSG("uvmsim_report_find", "r");
	uvmsim_report_free(NULL);
	UVMSIM_CATCH(NULL, &c, v = 1);
	EXPECT_NULL_MSG("uvmsim_catch_end", "m");
	assert_false(c.caught);

	/* With a machine, its other NULL arguments. */
	m = tu_machine(16);
	assert_int_equal(uvmsim_trace_ring(m, NULL, 4), 0);
	EXPECT_NULL_MSG("uvmsim_trace_ring", "out");
	assert_int_equal(uvmsim_event_format(&ev, NULL, 8), -1);
	EXPECT_NULL_MSG("uvmsim_event_format", "buf");
	uvmsim_trace_dump(m, NULL, 4);
	EXPECT_NULL_MSG("uvmsim_trace_dump", "fp");
	uvmsim_print_state(m, NULL);
	EXPECT_NULL_MSG("uvmsim_print_state", "fp");
	{
		struct uvmsim_report rep = { 0 };

		uvmsim_report_print(&rep, NULL);
		EXPECT_NULL_MSG("uvmsim_report_print", "fp");
		assert_null(uvmsim_report_find(&rep, NULL, NULL));
		EXPECT_NULL_MSG("uvmsim_report_find", "invariant");
	}
	uvmsim_last_segv(m, NULL);
	EXPECT_NULL_MSG("uvmsim_last_segv", "s");
	assert_true(uvmsim_page_frame(m, NULL) == (size_t)-1);
	EXPECT_NULL_MSG("uvmsim_page_frame", "pg");
	assert_true(uvmsim_failpoint_hits(m, "no such") == ~0UL);
	assert_non_null(strstr(uvmsim_machine_error(m), "no failpoint"));
	assert_int_equal(uvmsim_file_size(m, NULL, &sz), EINVAL);
	CHECK(m);
	tu_destroy(m);
}

static void
test_cpus_and_random(void **state)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m, *m2;
	uint64_t x[4];
	int i;

	(void)state;
	uvmsim_config_init(&cfg);
	cfg.ncpus = 4;
	cfg.seed = 42;
	m = tu_machine_cfg(&cfg);
	assert_int_equal(uvmsim_cpu_current(m), 0);
	assert_int_equal(uvmsim_cpu_set(m, 3), 0);
	assert_int_equal(uvmsim_cpu_current(m), 3);
	assert_int_equal(uvmsim_cpu_set(m, 4), EINVAL);
	assert_non_null(strstr(uvmsim_last_error(), "cpu"));
	assert_non_null(strstr(uvmsim_machine_error(m), "cpu"));
	assert_int_equal(uvmsim_cpu_current(m), 3);
	for (i = 0; i < 4; i++)
		x[i] = uvmsim_random(m);
	m2 = tu_machine_cfg(&cfg);
	for (i = 0; i < 4; i++)
		assert_int_equal(uvmsim_random(m2), x[i]);
	assert_int_equal(uvmsim_seed(m2), 42);
	assert_true(x[0] != x[1]);
	tu_destroy(m2);
	tu_destroy(m);
}

static void
test_frames(void **state)
{
	struct uvmsim_machine *m;
	struct vm_page *pg;

	(void)state;
	m = tu_machine(16);
	pg = uvmsim_page(m, 5);
	assert_non_null(pg);
	assert_int_equal(uvmsim_page_frame(m, pg), 5);
	assert_ptr_equal(PHYS_TO_VM_PAGE(VM_PAGE_TO_PHYS(pg)), pg);
	assert_null(PHYS_TO_VM_PAGE(0));
	assert_null(PHYS_TO_VM_PAGE(uvmsim_page(m, 15)->phys_addr +
	    uvmsim_page_size(m)));
	assert_null(uvmsim_page(m, 16));
	assert_non_null(strstr(uvmsim_last_error(), "frame"));
	assert_null(uvmsim_page_data(m, pg + 100));
	assert_non_null(strstr(uvmsim_last_error(), "pg"));
	tu_destroy(m);
}

/* A pager's pgo_teardown runs once for each of its objects still alive
 * when the machine is destroyed; a pager without one is left alone. */
static int teardowns;
static struct uvm_object *torn;

static void
count_teardown(struct uvm_object *uobj)
{
	teardowns++;
	torn = uobj;
}

static void
test_destroy_pgo_teardown(void **state)
{
	static const struct uvm_pagerops tdops = {
		.pgo_name = "teardown", .pgo_teardown = count_teardown,
	};
	static const struct uvm_pagerops bare = { .pgo_name = "bare" };
	struct uvmsim_machine *m = tu_machine(8);
	struct uvm_object obj, other;

	(void)state;
	uvm_obj_init(&obj, &tdops, 1);
	uvm_obj_init(&other, &bare, 1);
	CHECK(m);
	teardowns = 0;
	torn = NULL;
	tu_destroy(m);
	assert_int_equal(teardowns, 1);
	assert_ptr_equal(torn, &obj);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_destroy_pgo_teardown),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_arch_names),
		cmocka_unit_test(test_page_sizes),
		cmocka_unit_test(test_large_lazy),
		cmocka_unit_test(test_many_machines),
		cmocka_unit_test(test_foreign_objects),
		cmocka_unit_test(test_enter_leave_misuse),
		cmocka_unit_test(test_no_machine),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_cpus_and_random),
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_panic.c: panics and KASSERT go to the machine's handler; tests
 * catch them with CMocka's expect_assert_failure or with UVMSIM_CATCH.
 */
#include "testutil.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static struct uvmsim_machine *m;

static int
setup(void **state)
{
	(void)state;
	m = tu_machine(8);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_destroy(m);
	return 0;
}

/* CMocka's own way: the handler reports to mock_assert(). */
static void
test_cmocka_expect(void **state)
{
	struct vm_page *pg;

	(void)state;
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	uvm_lock_pageq();
	uvm_pagefree(pg);
	expect_assert_failure(uvm_pagefree(pg));
	uvm_unlock_pageq();
	CHECK(m);
}

static void
test_catch(void **state)
{
	struct uvmsim_catch c;
	volatile int reached = 0;

	(void)state;
	UVMSIM_CATCH(m, &c, { panic("boom %d", 42); reached = 1; });
	assert_true(c.caught);
	assert_false(reached);
	assert_string_equal(c.message, "boom 42");
	/* No panic: nothing caught, the statement ran to its end. */
	UVMSIM_CATCH(m, &c, reached = 1);
	assert_false(c.caught);
	assert_true(reached);
	CHECK(m);
}

/* Locks taken after the catch began are released by the unwinding; those
 * taken before stay held. */
static void
test_catch_unwinds_locks(void **state)
{
	struct simplelock outer, inner;
	struct uvmsim_catch c;

	(void)state;
	simple_lock_init(&outer);
	simple_lock_init(&inner);
	simple_lock(&outer);
	UVMSIM_CATCH(m, &c, {
		simple_lock(&inner);
		uvm_lock_pageq();
		KASSERT(1 == 2);
	});
	assert_true(c.caught);
	assert_non_null(strstr(c.message,
	    "kernel assertion \"1 == 2\" failed"));
	assert_non_null(strstr(c.message, "test_panic.c"));
	assert_false(simple_lock_held(&inner));
	assert_true(simple_lock_held(&outer));
	simple_unlock(&outer);
	CHECK(m);
}

static void
test_nested_catch(void **state)
{
	struct uvmsim_catch outer, inner;

	(void)state;
	UVMSIM_CATCH(m, &outer, {
		UVMSIM_CATCH(m, &inner, panic("inner"));
		assert_true(inner.caught);
		panic("outer");
	});
	assert_true(outer.caught);
	assert_string_equal(outer.message, "outer");
}

struct handler_state {
	jmp_buf	jb;
	char	msg[128];
	struct uvmsim_machine *who;
};

static void
my_handler(struct uvmsim_machine *mm, const char *msg, void *arg)
{
	struct handler_state *hs = arg;

	hs->who = mm;
	snprintf(hs->msg, sizeof(hs->msg), "%s", msg);
	longjmp(hs->jb, 1);
}

static void
test_own_handler(void **state)
{
	static struct handler_state hs;

	(void)state;
	uvmsim_set_panic_handler(m, my_handler, &hs);
	if (setjmp(hs.jb) == 0) {
		panic("mine");
		fail();
	}
	assert_ptr_equal(hs.who, m);
	assert_string_equal(hs.msg, "mine");
	uvmsim_set_panic_handler(m, tu_cmocka_panic, NULL);
}

/* The default handler prints the message and the trace tail, then
 * aborts. */
static void
test_default_aborts(void **state)
{
	char buf[4096] = { 0 };
	int status, fds[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		uvmsim_set_panic_handler(m, NULL, NULL);
		(void)uvm_pagealloc(NULL, 0, NULL, 0);
		panic("fatal %s", "thing");
		_exit(0);
	}
	close(fds[1]);
	while (got < sizeof(buf) - 1 &&
	    (n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_non_null(strstr(buf, "uvmsim: panic: fatal thing"));
	assert_non_null(strstr(buf, "page.alloc pg="));
}

/*
 * in_child: run fn in a forked child, its standard error into buf;
 * the child must end by SIGABRT.
 */
static void
in_child(void (*fn)(void), char *buf, size_t len)
{
	int status, fds[2];
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	memset(buf, 0, len);
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		fn();
		_exit(0);
	}
	close(fds[1]);
	while (got < len - 1 &&
	    (n = read(fds[0], buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void
returning_handler(struct uvmsim_machine *mm, const char *msg, void *arg)
{
	(void)mm;
	(void)msg;
	(void)arg;
}

static void
panic_to_returning_handler(void)
{
	uvmsim_set_panic_handler(m, returning_handler, NULL);
	panic("handled %d", 7);
}

/* A handler that returns does not make the panic return: it aborts,
 * saying so. */
static void
test_handler_returns(void **state)
{
	char buf[1024];

	(void)state;
	in_child(panic_to_returning_handler, buf, sizeof(buf));
	assert_string_equal(buf,
	    "uvmsim: panic handler returned: handled 7\n");
	CHECK(m);
}

static void
panic_with_no_machine(void)
{
	uvmsim_machine_leave(m);
	panic("nobody's %s", "panic");
}

/* panic() with no current machine prints its message and aborts. */
static void
test_panic_no_machine(void **state)
{
	char buf[1024];

	(void)state;
	in_child(panic_with_no_machine, buf, sizeof(buf));
	assert_string_equal(buf,
	    "uvmsim: panic (no current machine): nobody's panic\n");
	assert_ptr_equal(uvmsim_machine_current(), m);
	CHECK(m);
}

/* The directory of this file, as its compiler recorded it (absolute
 * under CMake), with the trailing slash. */
static size_t
srcdir_len(void)
{
	const char *slash = strrchr(__FILE__, '/');

	return slash != NULL ? (size_t)(slash - __FILE__) + 1 : 0;
}

/* The newest panic event of the ring as its text line. */
static void
last_panic_line(char *line, size_t len)
{
	struct uvmsim_event ev[16];
	size_t n, i;

	n = uvmsim_trace_ring(m, ev, 16);
	for (i = n; i-- > 0;)
		if (ev[i].type == UVMSIM_EV_PANIC) {
			uvmsim_event_format(&ev[i], line, len);
			return;
		}
	fail_msg("no panic event in the ring");
}

/*
 * Lock and assertion messages name files by their path within the
 * source tree, in the catch and in the trace: the same line in every
 * checkout.
 */
static void
test_paths_in_tree(void **state)
{
	struct uvmsim_catch c;
	struct simplelock l;
	struct proc *p;
	struct vm_page *pg;
	char line[512], dir[256];

	(void)state;
	assert_true(srcdir_len() > 1 && srcdir_len() < sizeof(dir));
	assert_true(__FILE__[0] == '/');
	memcpy(dir, __FILE__, srcdir_len());
	dir[srcdir_len()] = '\0';

	/* A simple lock taken twice here: this file's path. */
	simple_lock_init(&l);
	simple_lock(&l);
	UVMSIM_CATCH(m, &c, simple_lock(&l));
	assert_true(c.caught);
	assert_non_null(strstr(c.message, "taken at tests/test_panic.c:"));
	assert_null(strstr(c.message, dir));
	last_panic_line(line, sizeof(line));
	assert_non_null(strstr(line, "again at tests/test_panic.c:"));
	assert_null(strstr(line, " /"));
	assert_null(strstr(line, dir));
	simple_unlock(&l);

	/* A map lock held here, wanted by the library's own uvm_unmap. */
	assert_int_equal(uvmsim_proc_create(m, &p), 0);
	vm_map_lock_read(&p->p_vmspace->vm_map);
	UVMSIM_CATCH(m, &c, uvm_unmap(&p->p_vmspace->vm_map,
	    0x400000, 0x400000 + uvmsim_page_size(m)));
	assert_true(c.caught);
	last_panic_line(line, sizeof(line));
	assert_non_null(strstr(line, "last at tests/test_panic.c:"));
	assert_non_null(strstr(line, "exclusive at src/uvm_map.c:"));
	assert_null(strstr(line, " /"));
	vm_map_unlock_read(&p->p_vmspace->vm_map);
	uvmsim_proc_exit(m, p);

	/* A kernel assertion of the library. */
	pg = uvm_pagealloc(NULL, 0, NULL, 0);
	tu_pagefree(pg);
	UVMSIM_CATCH(m, &c, { uvm_lock_pageq(); uvm_pagefree(pg); });
	assert_true(c.caught);
	last_panic_line(line, sizeof(line));
	assert_null(strstr(line, " /"));
	assert_null(strstr(line, "\"/"));
	assert_null(strstr(line, dir));
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_cmocka_expect),
		TU_TEST(test_catch),
		TU_TEST(test_paths_in_tree),
		TU_TEST(test_catch_unwinds_locks),
		TU_TEST(test_nested_catch),
		TU_TEST(test_own_handler),
		TU_TEST(test_default_aborts),
		TU_TEST(test_handler_returns),
		TU_TEST(test_panic_no_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * test_scenario.c: the scenario language against input nobody meant:
 * random lines for the parser, random scripts for the interpreter, and
 * the bounds of every count and size.
 *
 * Whatever the line, scen_parse_line answers a command, nothing (blank
 * or comment) or a message "LINE:COL: command: what" whose column lies
 * within the line; whatever the script, scen_run ends with 0 or 1 (a
 * step or an expectation failed), never a crash, a hang or a leak (the
 * suite runs under memcheck too).  The generator is seeded, so a
 * failure repeats.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <uvmsim/uvmsim.h>

#include "scenario.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *
pick(const char *const *v, size_t n)
{
	return v[rnd() % n];
}

#define PICK(v)	pick((v), sizeof(v) / sizeof((v)[0]))

/* Words a line is made of: commands, keywords, names, numbers, junk. */
static const char *const words[] = {
	"machine", "file", "proc", "map", "unmap", "protect", "inherit",
	"wire", "unwire", "read", "write", "fill", "compare", "fork", "exit",
	"loan", "unloan", "failpoint", "when", "check", "show", "expect",
	"say", "frames", "cpus", "seed", "arch", "x86_64", "loan", "1.39",
	"modern", "size", "pattern", "text", "at", "anon", "shared",
	"private", "prot", "maxprot", "offset", "rw-", "r--", "rwx", "none",
	"share", "copy", "to", "kernel", "nth", "count", "off", "pgo_get",
	"drops-locks:", "value", "owner", "loans", "wired", "same", "differ",
	"error", "panic", "hook", "fired", "problems", "uvmexp.free",
	"uvmexp.nope", "==", "!=", "<", ">=", "EFAULT", "EBOGUS", "frames",
	"queues", "probe", "ptes", "tlb", "counters", "p1", "p2", "f1", "k1",
	"0", "1", "4K", "16M", "0x1000", "0xffffffffffffffff",
	"18446744073709551616", "0x", "K", "12Q", "-1", "1G", "999999999G",
	"\"str\"", "\"open", "\"\"", "#", "# c", "\t", "\\", "\"a\\\"b\"",
	"é", "\x01", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	"4p", "0x10p", "2p+0x10", "1p-1", "p", "1p-", "+1", "1Kp",
	"4294967296p", "0-1", "ask", "frame", "--answers",
};

static void
check_message(const char *line, int lineno, const char *msg)
{
	int l = -1, col = -1, n = 0;

	assert_int_equal(sscanf(msg, "%d:%d: %n", &l, &col, &n), 2);
	assert_int_equal(l, lineno);
	assert_true(col >= 1);
	assert_true((size_t)col <= strlen(line) + 1);
	assert_true(n > 0 && msg[n] != '\0');
	assert_non_null(strstr(msg + n, ": "));
}

static void
test_parse_random_lines(void **state)
{
	struct scen_cmd c;
	char line[SCEN_MAXLINE + 1], msg[SCEN_MAXLINE + 256];
	int i, k, nw, r, counts[3] = { 0, 0, 0 };

	(void)state;
	for (i = 1; i <= 20000; i++) {
		size_t n = 0;

		nw = (int)(rnd() % 12);
		line[0] = '\0';
		for (k = 0; k < nw; k++) {
			const char *w = PICK(words);
			int m = snprintf(line + n, sizeof(line) - n, "%s%s",
			    k ? (rnd() % 7 ? " " : "") : "", w);

			if (m < 0 || (size_t)m >= sizeof(line) - n)
				break;
			n += (size_t)m;
		}
		r = scen_parse_line(line, i, &c, msg, sizeof(msg));
		assert_true(r == 0 || r == 1 || r == SCEN_USAGE);
		counts[r == SCEN_USAGE ? 2 : r]++;
		if (r == SCEN_USAGE)
			check_message(line, i, msg);
		if (r == 0) {
			assert_non_null(c.text);
			assert_true(c.op < OP_NOPS);
			scen_cmd_free(&c);
		}
	}
	/* The generator reaches all three answers. */
	assert_true(counts[0] > 0 && counts[1] > 0 && counts[2] > 0);
}

static void
parse_fails(const char *line, const char *want)
{
	struct scen_cmd c;
	char msg[SCEN_MAXLINE + 256];

	assert_int_equal(scen_parse_line(line, 1, &c, msg, sizeof(msg)),
	    SCEN_USAGE);
	if (strstr(msg, want) == NULL)
		fail_msg("\"%.60s\": \"%s\", wanted \"%s\"", line, msg, want);
	check_message(line, 1, msg);
}

static void
test_bounds(void **state)
{
	char *line;
	size_t i;

	(void)state;
	line = malloc(SCEN_MAXLINE + 100);
	assert_non_null(line);
	memset(line, 'a', SCEN_MAXLINE + 50);
	line[SCEN_MAXLINE + 50] = '\0';
	parse_fails(line, "line longer than 4096 bytes");
	line[0] = '\0';
	for (i = 0; i < SCEN_MAXTOK + 1; i++)
		strcat(line, "say ");
	parse_fails(line, "more than 40 words");
	free(line);
	parse_fails("write p1 0x1000 18446744073709551616 size 8",
	    "bad number '18446744073709551616'");
	parse_fails("write p1 0x10000000000000000 1", "bad number");
	parse_fails("read p1 99999999999999999G", "bad number");
	parse_fails("machine frames 262145", "frames 262145 out of range 8 "
	    ".. 262144");
	parse_fails("machine cpus 0", "cpus 0 out of range 1 .. 64");
	parse_fails("machine swap 262145", "swap slots 262145 out of range 0 "
	    ".. 262144");
	parse_fails("machine uvm_wait sleep", "unknown uvm_wait policy "
	    "'sleep': expected hook|pagedaemon");
	parse_fails("file f1 size 65M", "file size 65M out of range");
	parse_fails("file f1 size 4K text \"abc\" at 4095", "runs past the "
	    "file's end");
	parse_fails("fill p1 0x1000 17M 1", "length 17M out of range");
	parse_fails("loan k1 p1 0x1000 17M to kernel", "out of range");
	parse_fails("map p1 0x1000 2G anon", "length 2G out of range");
	parse_fails("proc aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "at most 31 bytes");
	parse_fails("read p1 0x1000 size 3", "size 3 out of range");
	parse_fails("read p1 0x1000 cpu 64", "cpu 64 out of range");
	parse_fails("when pgo_get drops-locks: when pgo_get drops-locks: "
	    "check", "a hook's command cannot install a hook");
	parse_fails("when pgo_get drops-locks:", "expected a command");
	parse_fails("when page_wait drops-locks: machine", "a hook cannot "
	    "make a machine");
	parse_fails("expect error EBOGUS", "unknown error name 'EBOGUS'");
	parse_fails("expect frob", "uvmexp.COUNTER");
	parse_fails("say \"\x01", "not closed");
	parse_fails("failpoint nosuch", "unknown failpoint 'nosuch'");
	parse_fails("ask frob p1 1p", "unknown question 'frob': expected "
	    "frame|loans|wired|owner|same");
	parse_fails("ask same p1 1p p2", "expected address at the end");
	parse_fails("ask loans p1 1p 2", "too many words");
	parse_fails("when pgo_get drops-locks: ask frame p1 1p", "a hook "
	    "cannot ask");
}

/*
 * Sizes and addresses in pages: kept apart by the parse, made bytes of
 * each page size by scen_resolve, bounded at every page size.
 */
static void
test_page_units(void **state)
{
	struct scen_cmd c, rc;
	char msg[SCEN_MAXLINE + 256];

	(void)state;
	assert_int_equal(scen_parse_line("map p1 4p 2p+0x10-16 anon", 1, &c,
	    msg, sizeof(msg)), 0);
	assert_int_equal(c.pg_addr, 4);
	assert_int_equal(c.addr, 0);
	assert_int_equal(c.pg_len, 2);
	assert_int_equal(c.len, 0);
	assert_true(scen_has_pages(&c));
	scen_resolve(&c, 4096, &rc);
	assert_int_equal(rc.addr, 0x4000);
	assert_int_equal(rc.len, 0x2000);
	assert_false(scen_has_pages(&rc));
	scen_resolve(&c, 8192, &rc);
	assert_int_equal(rc.addr, 0x8000);
	assert_int_equal(rc.len, 0x4000);
	scen_cmd_free(&c);

	/* Bytes taken away below the pages; offsets and the second
	 * address of expect same. */
	assert_int_equal(scen_parse_line("compare p1 3p-1 2 file f1 offset "
	    "1p+8", 1, &c, msg, sizeof(msg)), 0);
	scen_resolve(&c, 16384, &rc);
	assert_int_equal(rc.addr, 3 * 16384 - 1);
	assert_int_equal(rc.len, 2);
	assert_int_equal(rc.num[1], 16384 + 8);
	scen_cmd_free(&c);
	assert_int_equal(scen_parse_line("expect same p1 1p p2 0x10p", 1, &c,
	    msg, sizeof(msg)), 0);
	scen_resolve(&c, 4096, &rc);
	assert_int_equal(rc.addr, 0x1000);
	assert_int_equal(rc.num[0], 0x10000);
	scen_cmd_free(&c);

	/* A plain number stays as it was. */
	assert_int_equal(scen_parse_line("read p1 0x1008", 1, &c, msg,
	    sizeof(msg)), 0);
	assert_false(scen_has_pages(&c));
	scen_resolve(&c, 8192, &rc);
	assert_int_equal(rc.addr, 0x1008);
	scen_cmd_free(&c);

	/* Bounds hold at the largest page size, and below zero. */
	parse_fails("fill p1 1p 257p 1", "length 257p out of range 1 .. "
	    "16777216 at pages of 1024 to 65536 bytes");
	assert_int_equal(scen_parse_line("fill p1 1p 256p 1", 1, &c, msg,
	    sizeof(msg)), 0);
	scen_cmd_free(&c);
	parse_fails("map p1 1p 1p-2K anon", "length 1p-2K out of range");
	parse_fails("map p1 1p 0-1 anon", "length 0-1 out of range 1 .. ");
	parse_fails("read p1 1p-2p", "bad number '1p-2p' for address");
	parse_fails("read p1 4294967296p", "bad number");
	parse_fails("read p1 1Kp", "bad number");
	parse_fails("read p1 1p+", "bad number");
	/* Not where a count or a value is meant. */
	parse_fails("write p1 1p 4p", "bad number '4p' for value");
	parse_fails("machine frames 8p", "bad number '8p' for frames");
}

/* Commands of random scripts: valid words, random places and sizes. */
static void
random_command(char *buf, size_t len)
{
	static const char *const procs[] = { "p1", "p2", "p3" };
	static const char *const files[] = { "f1", "f2" };
	static const char *const loans[] = { "k1", "k2" };
	static const char *const addrs[] = { "0x10000", "0x11000", "0x12000",
	    "0x20000", "0x7ffff000", "0x1800", "16p", "17p+0x10", "32p-1" };
	static const char *const lens[] = { "4K", "8K", "12K", "1", "0x2000",
	    "1p", "2p", "3p-1" };
	static const char *const prots[] = { "rw-", "r--", "none", "rwx" };
	static const char *const shows[] = { "frames", "queues", "anons",
	    "amaps", "objects", "loans", "tlb", "counters" };
	static const char *const fps[] = { "uvm_pagealloc", "uvm_analloc",
	    "amap_alloc", "pgo_get.eio", "pgo_get.eagain", "pgo_get.io",
	    "simple_lock_try" };
	const char *p = PICK(procs), *a = PICK(addrs), *l = PICK(lens);

	switch (rnd() % 22) {
	case 0:
		snprintf(buf, len, "proc %s", p);
		break;
	case 1:
		snprintf(buf, len, "fork %s %s", p, PICK(procs));
		break;
	case 2:
		snprintf(buf, len, "exit %s", p);
		break;
	case 3:
		snprintf(buf, len, "map %s %s %s anon %s prot %s", p, a, l,
		    rnd() % 2 ? "shared" : "private", PICK(prots));
		break;
	case 4:
		snprintf(buf, len, "map %s %s %s file %s %s", p, a, l,
		    PICK(files), rnd() % 2 ? "shared" : "private");
		break;
	case 5:
		snprintf(buf, len, "unmap %s %s %s", p, a, l);
		break;
	case 6:
		snprintf(buf, len, "protect %s %s %s %s", p, a, l, PICK(prots));
		break;
	case 7:
		snprintf(buf, len, "%s %s %s %s", rnd() % 2 ? "wire" : "unwire",
		    p, a, l);
		break;
	case 8:
		snprintf(buf, len, "write %s %s %u cpu %u", p, a,
		    (unsigned)(rnd() % 256), (unsigned)(rnd() % 3));
		break;
	case 9:
		snprintf(buf, len, "read %s %s size %d", p, a,
		    1 << (int)(rnd() % 4));
		break;
	case 10:
		snprintf(buf, len, "fill %s %s %s %u", p, a, l,
		    (unsigned)(rnd() % 256));
		break;
	case 11:
		snprintf(buf, len, "loan %s %s %s %s to %s", PICK(loans), p, a,
		    l, rnd() % 2 ? "kernel" : "anon");
		break;
	case 12:
		snprintf(buf, len, "unloan %s", PICK(loans));
		break;
	case 13:
		snprintf(buf, len, "failpoint %s nth %u count %u", PICK(fps),
		    (unsigned)(1 + rnd() % 3), (unsigned)(1 + rnd() % 2));
		break;
	case 14:
		snprintf(buf, len, "when pgo_get drops-locks: unmap %s %s %s",
		    p, a, l);
		break;
	case 15:
		snprintf(buf, len, "show %s", PICK(shows));
		break;
	case 16:
		snprintf(buf, len, "show probe %s %s", p, a);
		break;
	case 17:
		snprintf(buf, len, "expect owner %s %s anon", p, a);
		break;
	case 18:
		snprintf(buf, len, "expect error EFAULT");
		break;
	case 19:
		snprintf(buf, len, "inherit %s %s %s %s", p, a, l,
		    rnd() % 2 ? "share" : "none");
		break;
	case 20:
		snprintf(buf, len, "compare %s %s %s file %s", p, a, l,
		    PICK(files));
		break;
	default:
		snprintf(buf, len, "check");
		break;
	}
}

static void
test_run_random_scripts(void **state)
{
	struct scen_opts o;
	struct scen_script *s;
	char *text, *out, *err;
	size_t tlen, olen, elen;
	FILE *fp, *fo, *fe;
	int i, k, status, counts[2] = { 0, 0 };
	char cmd[256];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.keep_going = true;	/* every command runs, whatever failed */
	for (i = 0; i < 60; i++) {
		fp = open_memstream(&text, &tlen);
		assert_non_null(fp);
		fprintf(fp, "machine frames 40 cpus 3 seed %d%s\n", i,
		    i % 2 ? " loan modern" : "");
		fprintf(fp, "file f1 size 8K pattern 0x5a\nfile f2 size 4K\n"
		    "proc p1\nproc p2\n");
		for (k = 0; k < 30; k++) {
			random_command(cmd, sizeof(cmd));
			fprintf(fp, "%s\n", cmd);
		}
		fclose(fp);
		fp = fmemopen(text, tlen, "r");
		assert_non_null(fp);
		fe = open_memstream(&err, &elen);
		assert_int_equal(scen_parse(fp, "random", &s, fe), 0);
		fclose(fp);
		fo = open_memstream(&out, &olen);
		assert_non_null(fo);
		status = scen_run(s, &o, fo, fe);
		fclose(fo);
		fclose(fe);
		if (status != SCEN_OK && status != SCEN_FAILED)
			fail_msg("script %d: status %d\n%s\n%s", i, status,
			    text, err);
		/* A failed run says where. */
		if (status == SCEN_FAILED)
			assert_non_null(strstr(err, "random:"));
		counts[status]++;
		scen_script_free(s);
		free(text);
		free(out);
		free(err);
	}
	assert_true(counts[0] + counts[1] == 60);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_random_lines),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_page_units),
		cmocka_unit_test(test_run_random_scripts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

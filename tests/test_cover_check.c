/*
 * test_cover_check.c: the map checker finds each invariant of a map
 * and its entries that no other suite breaks.
 *
 * As in test_check.c, each case builds a healthy map, corrupts one field
 * the way a bug would, expects the report to name the invariant and the
 * field, then repairs it and expects a clean report.  The map is one
 * process's, with two entries of anonymous memory a page apart:
 *
 *	VA          VA+ps       VA+2ps      VA+3ps
 *	| entry a   |  (hole)   | entry b   |
 *	  written:                not touched:
 *	  an amap of one slot     needs copy, no amap
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VA	0x400000UL

static struct uvmsim_machine *m;
static struct proc *p;
static struct vm_map *map;
static size_t ps;
static struct vm_map_entry *ea, *eb;

#define EXPECT_PROBLEM(inv, field)	tu_expect_problem(m, inv, field, __LINE__)

static int
setup(void **state)
{
	uint64_t v = 0;

	(void)state;
	m = tu_proc_setup(64, &p, &map, &ps);
	tu_map_anon(m, map, VA, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	tu_map_anon(m, map, VA + 2 * ps, 1, VM_PROT_READ | VM_PROT_WRITE,
	    UVM_INH_COPY, UVM_ADV_NORMAL, 0);
	assert_int_equal(uvmsim_store(m, 0, p->p_vmspace, VA, 1, 0x5a), 0);
	CHECK(m);
	assert_int_equal(uvmsim_load(m, 0, p->p_vmspace, VA, 1, &v), 0);
	assert_int_equal(v, 0x5a);
	vm_map_lock_read(map);
	assert_true(uvm_map_lookup_entry(map, VA, &ea));
	assert_true(uvm_map_lookup_entry(map, VA + 2 * ps, &eb));
	vm_map_unlock_read(map);
	assert_ptr_equal(ea->next, eb);
	assert_non_null(ea->aref.ar_amap);
	assert_null(eb->aref.ar_amap);
	CHECK(m);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	tu_proc_teardown(m, p, TU_ANONS_FREE);
	return 0;
}

/* An entry that is empty, or ends past the map's end. */
static void
test_entry_bounds(void **state)
{
	vaddr_t end = eb->end;

	(void)state;
	eb->end = eb->start;
	EXPECT_PROBLEM("map.entry", "start");
	eb->end = eb->start + ps / 2;
	EXPECT_PROBLEM("map.entry", "start");
	eb->end = vm_map_max(map) + ps;
	EXPECT_PROBLEM("map.bounds", "start");
	eb->end = end;
	CHECK(m);
}

/* Needs copy without copy-on-write; UVM_ET_OBJ without an object, and an
 * object without UVM_ET_OBJ. */
static void
test_entry_etype(void **state)
{
	int etype = eb->etype;
	static struct uvm_object fake;

	(void)state;
	assert_true(UVM_ET_ISNEEDSCOPY(eb));
	eb->etype &= ~UVM_ET_COPYONWRITE;
	EXPECT_PROBLEM("map.etype", "etype");
	eb->etype = etype | UVM_ET_OBJ;
	EXPECT_PROBLEM("map.etype", "etype");
	eb->etype = etype;
	eb->object.uvm_obj = &fake;
	EXPECT_PROBLEM("map.etype", "etype");
	/* Flagged, but not one of the machine's objects. */
	eb->etype = etype | UVM_ET_OBJ;
	EXPECT_PROBLEM("map.object", "object");
	eb->object.uvm_obj = NULL;
	eb->etype = etype;
	CHECK(m);
}

/* An amap reference outside the amap's slots, or to no live amap; a
 * negative wiring. */
static void
test_entry_aref(void **state)
{
	struct vm_amap *amap = ea->aref.ar_amap;
	int off = ea->aref.ar_pageoff;
	static struct vm_amap fake;

	(void)state;
	ea->aref.ar_pageoff = amap->am_nslot;
	EXPECT_PROBLEM("map.aref", "aref");
	ea->aref.ar_pageoff = -1;
	EXPECT_PROBLEM("map.aref", "aref");
	ea->aref.ar_pageoff = off;
	ea->aref.ar_amap = &fake;
	EXPECT_PROBLEM("map.aref", "aref");
	ea->aref.ar_amap = amap;
	CHECK(m);
	ea->wired_count = -1;
	EXPECT_PROBLEM("map.wired", "wired_count");
	ea->wired_count = 0;
	CHECK(m);
}

/* The entry list: a prev pointer astray, a list that never comes back to
 * the header, a hint that is not an entry. */
static void
test_list_and_hint(void **state)
{
	struct vm_map_entry *hint = map->hint, fake;

	(void)state;
	eb->prev = eb;
	EXPECT_PROBLEM("map.list", "prev");
	eb->prev = ea;
	CHECK(m);
	eb->next = ea;
	EXPECT_PROBLEM("map.list", "next");
	eb->next = &map->header;
	CHECK(m);
	map->hint = &fake;
	EXPECT_PROBLEM("map.hint", "hint");
	map->hint = hint;
	CHECK(m);
}

/* A list entry the tree does not have: entry b taken out of the list
 * only (the tree still holds it). */
static void
test_tree(void **state)
{
	(void)state;
	ea->next = &map->header;
	map->header.prev = ea;
	EXPECT_PROBLEM("map.tree", "rbhead");
	ea->next = eb;
	map->header.prev = eb;
	CHECK(m);
}

/* A process whose address space has no reference left. */
static void
test_vmspace_ref(void **state)
{
	int refs = p->p_vmspace->vm_refcnt;

	(void)state;
	p->p_vmspace->vm_refcnt = 0;
	EXPECT_PROBLEM("vmspace.ref", "vm_refcnt");
	p->p_vmspace->vm_refcnt = refs;
	CHECK(m);
}

/* report_text: the report of a check of m, as uvmsim_report_print
 * prints it (malloc'd). */
static char *
report_text(void)
{
	struct uvmsim_report r = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	(void)uvmsim_check(m, &r);
	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	uvmsim_report_print(&r, fp);
	fclose(fp);
	uvmsim_report_free(&r);
	return text;
}

/*
 * The checker's sets of live amaps, objects and maps cannot be had
 * ("uvmsim_check.live": no host memory for the first, the second or the
 * third set): the walk of the machine's lists that answers instead finds
 * what the sets find, word for word, gives back the sets it had, and
 * finds a healthy machine clean.  A file is mapped at VA+4ps, so that
 * each walk meets a live structure of its kind before a dead one:
 *
 *	VA          VA+2ps      VA+4ps
 *	| entry a   | entry b   | entry c: the file
 *	  amap: live  amap, object: not live (corrupted)
 *	process p: its address space not live (corrupted)
 */
static void
test_live_walk(void **state)
{
	static struct vm_amap fake_amap;
	static struct uvm_object fake_obj;
	static struct vmspace fake_vs;
	struct vmspace *vs = p->p_vmspace;
	struct uvm_object *f;
	unsigned long nth, fired;
	int etype = eb->etype;
	long allocs;
	char *want, *got;

	(void)state;
	assert_int_equal(uvmsim_file_create(m, ps, &f), 0);
	tu_map_object(m, map, VA + 4 * ps, f, 1, UVM_INH_SHARE,
	    UVM_ADV_NORMAL, 0);

	/* Healthy: clean, each set missing in turn. */
	for (nth = 1; nth <= 3; nth++) {
		assert_int_equal(uvmsim_failpoint_set(m, "uvmsim_check.live",
		    nth, 1), 0);
		CHECK(m);
		assert_int_equal(uvmsim_failpoint_since_armed(m,
		    "uvmsim_check.live", &fired), nth);
		assert_int_equal(fired, 1);
	}

	eb->aref.ar_amap = &fake_amap;
	eb->aref.ar_pageoff = 0;
	eb->etype = etype | UVM_ET_OBJ;
	eb->object.uvm_obj = &fake_obj;
	p->p_vmspace = &fake_vs;
	want = report_text();
	assert_non_null(strstr(want, "map.aref: "));
	assert_non_null(strstr(want, "the amap is not a live amap"));
	assert_non_null(strstr(want, "the object is not a live object"));
	assert_non_null(strstr(want, "proc.vmspace: proc "));
	for (nth = 1; nth <= 3; nth++) {
		allocs = uvmsim_host_allocs();
		assert_int_equal(uvmsim_failpoint_set(m, "uvmsim_check.live",
		    nth, 1), 0);
		got = report_text();
		assert_int_equal(uvmsim_failpoint_since_armed(m,
		    "uvmsim_check.live", &fired), nth);
		assert_int_equal(fired, 1);
		assert_string_equal(got, want);
		free(got);
		assert_int_equal(uvmsim_host_allocs(), allocs);
	}
	/* Armed for ever: every check walks. */
	assert_int_equal(uvmsim_failpoint_set(m, "uvmsim_check.live", 1,
	    UVMSIM_FP_FOREVER), 0);
	got = report_text();
	assert_string_equal(got, want);
	free(got);
	free(want);

	p->p_vmspace = vs;
	eb->object.uvm_obj = NULL;
	eb->etype = etype;
	eb->aref.ar_amap = NULL;
	CHECK(m);
	uvmsim_failpoint_clear(m);
	uvm_unmap(map, VA + 4 * ps, VA + 5 * ps);
	CHECK(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		TU_TEST(test_entry_bounds),
		TU_TEST(test_entry_etype),
		TU_TEST(test_entry_aref),
		TU_TEST(test_list_and_hint),
		TU_TEST(test_tree),
		TU_TEST(test_vmspace_ref),
		TU_TEST(test_live_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

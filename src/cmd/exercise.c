/*
 * exercise.c: the exercises of uvmsim quiz --topic, in the manner of
 * OSTEP's simulators: a short scenario made at random, then questions
 * about the state it leaves.
 *
 * scen_exercise() writes a scenario of one topic as script text:
 *
 *   translate	a few mappings of anonymous memory and of a file, a few
 *		reads and writes; which frame backs an address (none
 *		for a page never touched or an address never mapped),
 *		who owns it;
 *   cow	a process writes private memory and forks; parent and
 *		child write some pages; whether they reach the same
 *		frame, which frame, who owns the child's page, what the
 *		child reads there;
 *   loan	file pages lent to the kernel or to anons, writes that
 *		break some loans; loan counts and owners;
 *   pageout	a small machine with swap whose page daemon runs while a
 *		process fills more than it has; which pages are resident
 *		(a frame) and which in swap (none), and where the page
 *		it reads back is and what it holds.
 *
 * The questions are `ask` commands at the end of the text (`ask value`,
 * which reads, after the others, on a page already in), so the
 * answers come from running it (quiz.c), never from this file.  The
 * random numbers are a PRNG of its own (splitmix64) seeded by the seed
 * alone: same topic and seed, same text.  Sizes and addresses are in
 * pages ("16p"), so the text runs on every architecture, though the
 * frames it answers differ.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <uvmsim/uvmsim.h>

#include "scenario.h"

/* rnd: the next number of the exercise's PRNG (splitmix64). */
static uint64_t
rnd(uint64_t *st)
{
	uint64_t z = (*st += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* pick: a number in [0, n). */
static unsigned
pick(uint64_t *st, unsigned n)
{
	return (unsigned)(rnd(st) % n);
}

/*
 * pick_new: a number in [0, n) that none of the k in seen is, recorded
 * there, so that no question is asked twice.
 * => k < n.
 */
static unsigned
pick_new(uint64_t *st, unsigned n, unsigned *seen, unsigned k)
{
	unsigned v, i;

	v = pick(st, n);
	for (i = 0; i < k; i++)
		if (seen[i] == v) {	/* the next one free, in a ring */
			v = (v + 1) % n;
			i = (unsigned)-1;
		}
	seen[k] = v;
	return v;
}

static void
translate(FILE *fp, uint64_t *st)
{
	unsigned na = 2 + pick(st, 3), nf = 2 + pick(st, 2), i, pg, seen[2];

	fprintf(fp, "machine frames 48 seed %u\n", pick(st, 1000));
	fprintf(fp, "file f1 size %up pattern 0x%02x\n", nf, 0x41 +
	    pick(st, 26));
	fprintf(fp, "proc p1\n");
	fprintf(fp, "map p1 16p %up anon private\n", na);
	fprintf(fp, "map p1 64p %up file f1 shared\n", nf);
	for (i = 0; i < 4; i++) {
		if (pick(st, 2) == 0)
			fprintf(fp, "write p1 %up 0x%02x\n", 16 + pick(st, na),
			    pick(st, 256));
		else
			fprintf(fp, "read p1 %up\n", 64 + pick(st, nf));
	}
	for (i = 0; i < 2; i++)
		fprintf(fp, "ask frame p1 %up\n", 16 + pick_new(st, na, seen,
		    i));
	pg = 64 + pick(st, nf);
	fprintf(fp, "ask frame p1 %up\n", pg);
	fprintf(fp, "ask owner p1 %up\n", pg);
	fprintf(fp, "ask frame p1 %up\n", 32 + pick(st, 8));
}

static void
cow(FILE *fp, uint64_t *st)
{
	unsigned n = 2 + pick(st, 3), i, pg;

	fprintf(fp, "machine frames 48 seed %u\n", pick(st, 1000));
	fprintf(fp, "proc p1\n");
	fprintf(fp, "map p1 16p %up anon private\n", n);
	for (i = 0; i < n; i++)
		fprintf(fp, "write p1 %up 0x%02x\n", 16 + i, pick(st, 256));
	fprintf(fp, "fork p1 p2\n");
	for (i = 0; i < 3; i++)
		fprintf(fp, "write %s %up 0x%02x\n", pick(st, 2) ? "p2" : "p1",
		    16 + pick(st, n), pick(st, 256));
	for (i = 0; i < n && i < 3; i++)
		fprintf(fp, "ask same p1 %up p2 %up\n", 16 + i, 16 + i);
	pg = 16 + pick(st, n);
	fprintf(fp, "ask frame p2 %up\n", pg);
	fprintf(fp, "ask owner p2 %up\n", pg);
	fprintf(fp, "ask value p2 %up\n", pg);
}

static void
loan(FILE *fp, uint64_t *st)
{
	unsigned n = 3 + pick(st, 2), i, l, pg[2];

	fprintf(fp, "machine frames 48 seed %u\n", pick(st, 1000));
	fprintf(fp, "file f1 size %up pattern 0x%02x\n", n, 0x41 +
	    pick(st, 26));
	fprintf(fp, "proc p1\n");
	fprintf(fp, "proc p2\n");
	fprintf(fp, "map p1 64p %up file f1 shared\n", n);
	fprintf(fp, "map p2 128p %up file f1 shared\n", n);
	for (i = 0; i < n; i++)
		fprintf(fp, "read p1 %up\n", 64 + i);
	pg[0] = pick(st, n);
	pg[1] = (pg[0] + 1 + pick(st, n - 1)) % n;
	for (l = 0; l < 2; l++)
		fprintf(fp, "loan k%u p1 %up 1p to %s\n", l + 1, 64 + pg[l],
		    pick(st, 2) ? "anon" : "kernel");
	if (pick(st, 2))
		fprintf(fp, "loan k3 p1 %up 1p to kernel\n", 64 + pg[0]);
	fprintf(fp, "write p2 %up 0x%02x\n", 128 + pg[pick(st, 2)],
	    pick(st, 256));
	for (l = 0; l < 2; l++) {
		fprintf(fp, "ask loans p1 %up\n", 64 + pg[l]);
		fprintf(fp, "ask owner p1 %up\n", 64 + pg[l]);
	}
	fprintf(fp, "ask same p1 %up p2 %up\n", 64 + pg[0], 128 + pg[0]);
}

static void
pageout(FILE *fp, uint64_t *st)
{
	unsigned n = 40 + pick(st, 8), i, rd, seen[5];

	fprintf(fp, "machine frames 40 swap 32 uvm_wait pagedaemon seed %u\n",
	    pick(st, 1000));
	fprintf(fp, "proc p1\n");
	fprintf(fp, "map p1 256p %up anon private\n", n);
	for (i = 0; i < n; i += 8)
		fprintf(fp, "fill p1 %up %up 0x%02x\n", 256 + i,
		    n - i < 8 ? n - i : 8, pick(st, 256));
	fprintf(fp, "pagedaemon\n");
	rd = pick_new(st, n, seen, 0);
	fprintf(fp, "read p1 %up\n", 256 + rd);
	for (i = 1; i < 5; i++)
		fprintf(fp, "ask frame p1 %up\n", 256 + pick_new(st, n, seen,
		    i));
	fprintf(fp, "ask frame p1 %up\n", 256 + rd);
	fprintf(fp, "ask value p1 %up\n", 256 + rd);
}

static const struct {
	const char *name;
	void (*make)(FILE *, uint64_t *);
} topics[] = {
	{ "translate", translate }, { "cow", cow }, { "loan", loan },
	{ "pageout", pageout },
};

/*
 * scen_exercise: the scenario of an exercise on topic, from seed, as
 * script text written to fp.
 *
 * => 0, or SCEN_USAGE for a topic it does not know.
 */
int
scen_exercise(const char *topic, uint64_t seed, FILE *fp)
{
	uint64_t st = seed;

	for (size_t i = 0; i < sizeof(topics) / sizeof(topics[0]); i++)
		if (strcmp(topic, topics[i].name) == 0) {
			fprintf(fp, "# uvmsim quiz --topic %s --seed %" PRIu64
			    "\n", topic, seed);
			topics[i].make(fp, &st);
			return SCEN_OK;
		}
	return SCEN_USAGE;
}

/* scen_exercise_topics: the topics, for messages. */
const char *
scen_exercise_topics(void)
{
	return "translate, cow, loan or pageout";
}

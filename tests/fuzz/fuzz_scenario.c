/*
 * fuzz_scenario.c: a libFuzzer target for the scenario language: the
 * bytes are a script, parsed by scen_parse and, when they parse, run by
 * scen_run, in process, with the output thrown away.
 *
 * What must hold for every input: no crash, no sanitizer report, no leak
 * (the run frees its machine and everything the script made, whatever
 * happened), no hang.  A script may ask for a lot (a machine of 262,144
 * frames, a fill of 16 MiB, 100,000 steps): the language's own limits
 * (the SCEN_MAX constants of src/cmd/scenario.h) bound what one command
 * costs, and this target bounds the rest: inputs longer than
 * FUZZ_MAXINPUT bytes are skipped, and a run stops after FUZZ_MAXSTEPS
 * steps (scen_opts.stop_at), so that one input runs in well under a
 * second.
 *
 * Built two ways (tests/fuzz/CMakeLists.txt): with -fsanitize=fuzzer
 * (UVMSIM_FUZZ=ON, clang), and in every build with fuzz_replay.c's
 * main, which runs the files of the seed corpus once each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <uvmsim/uvmsim.h>

#include "scenario.h"

#define FUZZ_MAXINPUT	8192		/* bytes of script */
#define FUZZ_MAXSTEPS	64		/* steps run */

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scen_script *s = NULL;
	struct scen_opts o = { .quiet = false, .stop_at = FUZZ_MAXSTEPS };
	FILE *in, *out;

	if (size == 0 || size > FUZZ_MAXINPUT)
		return 0;
	if ((in = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		abort();
	if ((out = fopen("/dev/null", "w")) == NULL)
		abort();
	if (scen_parse(in, "fuzz", &s, out) == SCEN_OK) {
		/* Every other run in JSON, so that both printers run. */
		o.json = (data[0] & 1) != 0;
		(void)scen_run(s, &o, out, out);
		scen_script_free(s);
	}
	fclose(in);
	fclose(out);
	return 0;
}

/*
 * consumer.c: a program outside the project that uses an installed
 * uvmsim, found with find_package(uvmsim) or with pkg-config.
 */
#include <stdio.h>
#include <string.h>

#include <uvmsim/uvmsim.h>

int
main(void)
{
	struct uvmsim_config cfg;
	struct uvmsim_machine *m;
	struct vm_page *pg;
	int problems;

	uvmsim_config_init(&cfg);
	cfg.npages = 8;
	if (uvmsim_machine_create(&cfg, &m) != 0) {
		fprintf(stderr, "consumer: %s\n", uvmsim_last_error());
		return 1;
	}
	uvmsim_machine_enter(m);
	pg = uvm_pagealloc(NULL, 0, NULL, UVM_PGA_ZERO);
	memcpy(uvmsim_page_data(m, pg), "ok", 3);
	printf("consumer: frame %zu says %s\n", uvmsim_page_frame(m, pg),
	    (char *)uvmsim_page_data(m, pg));
	uvm_lock_pageq();
	uvm_pagefree(pg);
	uvm_unlock_pageq();
	problems = uvmsim_check(m, NULL);
	uvmsim_machine_leave(m);
	uvmsim_machine_destroy(m);
	return problems != 0;
}

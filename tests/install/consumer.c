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
	struct uvmsim_probe pr;
	struct vm_page *pg;
	vaddr_t kva;
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
	/* The probe and the state table, from the installed header alone. */
	kva = uvm_km_alloc(uvm_kernel_map(), uvmsim_page_size(m));
	if (kva == 0 || uvmsim_probe(m, NULL, kva, &pr) != 0 ||
	    (pr.pte & UVMSIM_PTE_VALID) == 0 ||
	    pr.prot != (VM_PROT_READ | VM_PROT_WRITE)) {
		fprintf(stderr, "consumer: probe: %s\n", uvmsim_last_error());
		return 1;
	}
	printf("consumer: kernel page at frame %zu, loans as %s\n",
	    pr.pte_frame, uvmsim_loan_behaviour(m));
	uvm_km_free(uvm_kernel_map(), kva, uvmsim_page_size(m));
	if (uvmsim_print_state_flags(m, stdout, UVMSIM_SHOW_NOCLOCK) != 0)
		return 1;
	problems = uvmsim_check(m, NULL);
	uvmsim_machine_leave(m);
	uvmsim_machine_destroy(m);
	return problems != 0;
}

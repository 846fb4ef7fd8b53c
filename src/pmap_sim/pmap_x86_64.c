/*
 * pmap_x86_64.c: the x86-64 backend: 4-level paging with 4 KiB pages.
 *
 * Page tables are as the AMD64 and Intel manuals give them, and as
 * NetBSD/amd64's pmap writes them:
 *
 *	level 4  PML4   index va[47:39]   root, one per pmap
 *	level 3  PDPT   index va[38:30]
 *	level 2  PD     index va[29:21]
 *	level 1  PT     index va[20:12]   leaf PTEs map 4 KiB pages
 *
 * Each entry is 8 bytes, little-endian:
 *
 *	bit  0  P    present
 *	bit  1  RW   writable
 *	bit  2  US   user-accessible
 *	bit  5  A    accessed (set by the walker)
 *	bit  6  D    dirty (set by the walker on a write; leaf only)
 *	bit  8  G    global: kept across an address-space switch
 *	bit  9  PG_W wired (available to software; NetBSD's PG_W)
 *	bit 10  PG_PVLIST  the page has a pv entry for this mapping
 *	        (available to software; NetBSD/amd64's PG_PVLIST)
 *	bits 12..51  physical address of the frame or page-table page
 *	bit 63  NX   no execute
 *
 * Rights combine over the levels: a page is writable only if RW is set
 * at every level, user-accessible only if US is, executable only if NX is
 * set at none.  Non-leaf entries are made permissive (RW, and US for
 * user pmaps) so that the leaf decides.  Large pages (PS) are not used.
 *
 * Virtual addresses are 48 bits, sign-extended ("canonical"); the user
 * half ends at 0x00007f8000000000 (the top 512 GiB slot is left out, as
 * NetBSD/amd64 keeps its recursive slot there) and the kernel's map
 * covers the first GiB of the upper half.
 */
#include "pmap_sim.h"

const struct pmap_sim_arch pmap_sim_arch_x86_64 = {
	.pa_name = "x86_64",
	.pa_page_shift = 12,
	.pa_levels = 4,
	.pa_index_bits = { 9, 9, 9, 9 },
	.pa_pte_bytes = 8,
	.pa_big_endian = false,
	.pa_bit_valid = 0,		/* PG_V */
	.pa_bit_read = -1,		/* present means readable */
	.pa_bit_write = 1,		/* PG_RW */
	.pa_bit_user = 2,		/* PG_u */
	.pa_bit_exec = -1,
	.pa_bit_noexec = 63,		/* PG_NX */
	.pa_bit_accessed = 5,		/* PG_U (used) */
	.pa_bit_dirty = 6,		/* PG_M (modified) */
	.pa_bit_global = 8,		/* PG_G */
	.pa_bit_wired = 9,		/* PG_W */
	.pa_bit_managed = 10,		/* PG_PVLIST */
	.pa_pfn_shift = 12,
	.pa_addr_mask = 0x000ffffffffff000ULL,	/* PG_FRAME */
	.pa_ptp_user = (1ULL << 1) | (1ULL << 2),	/* PG_RW | PG_u */
	.pa_ptp_kernel = (1ULL << 1),			/* PG_RW */
	.pa_ptp_rights = true,
	.pa_hw_ad = true,
	.pa_has_walker = true,
	.pa_va_bits = 48,
	.pa_va_signext = true,
	.pa_user_min = 0,
	.pa_user_max = 0x00007f8000000000ULL,
	.pa_kernel_min = 0xffff800000000000ULL,
	.pa_kernel_max = 0xffff800000000000ULL + (1ULL << 30),
};

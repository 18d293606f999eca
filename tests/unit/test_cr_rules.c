// SPDX-License-Identifier: MIT
/*
 * core/cr_rules.c: each #GP(0) condition of MOV to CR0, MOV to CR4 and
 * WRMSR to EFER, the LMA rule, and the PAE PDPTE check, against the SDM.
 */
#include "test_util.h"

#include <arch/x86_defs.h>
#include <core/cr_rules.h>

#define PM     (CR0_PE | CR0_ET)			/* Multiboot entry */
#define PAGED  (CR0_PE | CR0_ET | CR0_PG)

static const struct cr_features all = {
	.vme = true, .de = true, .pse = true, .pae = true, .mce = true,
	.pge = true, .fxsr = true, .sse = true, .umip = true, .la57 = true,
	.fsgsbase = true, .pcid = true, .xsave = true, .smep = true,
	.smap = true, .pke = true,
};

static void test_cr0_paging_needs_protection(void **state)
{
	struct cr_state s = { .cr0 = PM };

	assert_false(cr0_write_ok(&s, CR0_PG | CR0_ET));
	assert_true(cr0_write_ok(&s, PAGED));
	assert_true(cr0_write_ok(&s, CR0_ET));	/* back to real mode */
}

static void test_cr0_reserved_and_cache(void **state)
{
	struct cr_state s = { .cr0 = PM };

	assert_false(cr0_write_ok(&s, PM | (1ull << 32)));
	assert_false(cr0_write_ok(&s, PM | CR0_NW_BIT));
	assert_true(cr0_write_ok(&s, PM | CR0_NW_BIT | CR0_CD_BIT));
	assert_true(cr0_write_ok(&s, PM | CR0_CD_BIT));
	assert_true(cr0_write_ok(&s, PM | CR0_WP | CR0_NE | CR0_MP));
}

static void test_cr0_long_mode_needs_pae(void **state)
{
	struct cr_state s = { .cr0 = PM, .efer = EFER_LME };

	assert_false(cr0_write_ok(&s, PAGED));
	s.cr4 = CR4_PAE;
	assert_true(cr0_write_ok(&s, PAGED));
}

static void test_cr0_leave_long_mode(void **state)
{
	struct cr_state s = { .cr0 = PAGED, .cr4 = CR4_PAE,
			      .efer = EFER_LME | EFER_LMA, .cs_long = true };

	/* from 64-bit code: #GP; from compatibility mode: allowed */
	assert_false(cr0_write_ok(&s, PM));
	s.cs_long = false;
	assert_true(cr0_write_ok(&s, PM));
	s.cr4 |= CR4_PCIDE_BIT;
	assert_false(cr0_write_ok(&s, PM));
}

static void test_cr4_allowed_follows_features(void **state)
{
	struct cr_features none = { .pae = true };
	uint64_t a = cr4_allowed(&all), n = cr4_allowed(&none);

	assert_true(a & CR4_OSXSAVE);
	assert_false(a & CR4_VMXE);
	assert_false(n & CR4_OSXSAVE);
	assert_false(n & CR4_PGE);
	assert_true(n & CR4_PAE);
}

static void test_cr4_reserved_bits(void **state)
{
	struct cr_state s = { .cr0 = PM };
	uint64_t a = cr4_allowed(&all);

	assert_false(cr4_write_ok(&s, CR4_VMXE, a));
	assert_false(cr4_write_ok(&s, 1ull << 15, a));
	assert_false(cr4_write_ok(&s, 1ull << 40, a));
	assert_true(cr4_write_ok(&s, CR4_PAE | CR4_PGE | CR4_OSFXSR, a));
}

static void test_cr4_long_mode(void **state)
{
	struct cr_state s = { .cr0 = PAGED, .cr4 = CR4_PAE,
			      .efer = EFER_LME | EFER_LMA };
	uint64_t a = cr4_allowed(&all);

	assert_false(cr4_write_ok(&s, 0, a));
	assert_false(cr4_write_ok(&s, CR4_PAE | CR4_LA57, a));
	assert_true(cr4_write_ok(&s, CR4_PAE | CR4_PGE, a));
	assert_true(cr4_write_ok(&s, CR4_PAE | CR4_PCIDE_BIT, a));
	s.cr3 = 0x1001;
	assert_false(cr4_write_ok(&s, CR4_PAE | CR4_PCIDE_BIT, a));
	/* PCIDE outside long mode */
	s = (struct cr_state){ .cr0 = PM };
	assert_false(cr4_write_ok(&s, CR4_PCIDE_BIT, a));
}

static void test_lma_follows_lme_and_pg(void **state)
{
	assert_int_equal(efer_after_cr0(EFER_LME, PAGED), EFER_LME | EFER_LMA);
	assert_int_equal(efer_after_cr0(EFER_LME | EFER_LMA, PM), EFER_LME);
	assert_int_equal(efer_after_cr0(0, PAGED), 0);
	assert_int_equal(cr0_effective(CR0_PE), CR0_PE | CR0_ET);
}

static void test_efer_writes(void **state)
{
	uint64_t w = EFER_SCE | EFER_LME | EFER_NXE;
	struct cr_state s = { .cr0 = PM };

	assert_true(efer_write_ok(&s, EFER_LME, w));
	assert_false(efer_write_ok(&s, EFER_SVME, w));
	/* LMA is read-only: writing it is no error, and it keeps its value */
	assert_true(efer_write_ok(&s, EFER_LMA, w));
	assert_int_equal(efer_after_write(0, EFER_LMA | EFER_SCE), EFER_SCE);
	s.cr0 = PAGED;
	assert_false(efer_write_ok(&s, EFER_LME, w));
	s.efer = EFER_LME | EFER_LMA;
	assert_true(efer_write_ok(&s, EFER_LME | EFER_LMA | EFER_NXE, w));
	assert_false(efer_write_ok(&s, EFER_NXE, w));
}

static void test_pae_and_pdptes(void **state)
{
	assert_true(cr_pae_legacy(PAGED, CR4_PAE, 0));
	assert_false(cr_pae_legacy(PAGED, CR4_PAE, EFER_LME | EFER_LMA));
	assert_false(cr_pae_legacy(PM, CR4_PAE, 0));
	assert_true(pdpte_valid(0, 36));
	assert_true(pdpte_valid(0xfffffffffffffffe, 36));	/* not present */
	assert_true(pdpte_valid(0x12345001, 36));
	assert_false(pdpte_valid(0x12345003, 36));		/* R/W reserved */
	assert_false(pdpte_valid(0x1000000001ull, 36));	/* above 36 bits */
	assert_int_equal(cr3_pdpt_gpa(0x12345fe8), 0x12345fe0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cr0_paging_needs_protection),
		cmocka_unit_test(test_cr0_reserved_and_cache),
		cmocka_unit_test(test_cr0_long_mode_needs_pae),
		cmocka_unit_test(test_cr0_leave_long_mode),
		cmocka_unit_test(test_cr4_allowed_follows_features),
		cmocka_unit_test(test_cr4_reserved_bits),
		cmocka_unit_test(test_cr4_long_mode),
		cmocka_unit_test(test_lma_follows_lme_and_pg),
		cmocka_unit_test(test_efer_writes),
		cmocka_unit_test(test_pae_and_pdptes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

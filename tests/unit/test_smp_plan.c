// SPDX-License-Identifier: MIT
/*
 * arch/x86/smp_plan.c: which of the firmware's CPUs start, and the
 * counts behind the messages for those that stay off.
 */
#include <string.h>

#include "test_util.h"

#include <arch/cpu.h>
#include <arch/smp_plan.h>
#include <drivers/acpi.h>

static struct madt_info madt;
static struct smp_plan plan;

static void firmware_lists(unsigned int n, uint32_t first_id, uint32_t step)
{
	memset(&madt, 0, sizeof(madt));
	for (unsigned int i = 0; i < n && i < ACPI_MAX_CPUS; i++)
		madt.apic_ids[madt.cpu_count++] = first_id + i * step;
	if (n > ACPI_MAX_CPUS)
		madt.cpus_skipped = n - ACPI_MAX_CPUS;
}

static void test_everything_starts(void **state)
{
	firmware_lists(4, 0, 2);		/* ids 0 2 4 6, the boot CPU is 0 */
	smp_plan(&madt, 0, false, MAX_CPUS, &plan);
	assert_int_equal(plan.count, 3);
	assert_int_equal(plan.apic_ids[0], 2);
	assert_int_equal(plan.apic_ids[2], 6);
	assert_int_equal(plan.listed, 4);
	assert_int_equal(plan.over_limit, 0);
	assert_int_equal(plan.need_x2apic, 0);
}

static void test_boot_cpu_anywhere_or_missing(void **state)
{
	firmware_lists(4, 0, 1);
	smp_plan(&madt, 2, false, MAX_CPUS, &plan);
	assert_int_equal(plan.count, 3);
	assert_int_equal(plan.apic_ids[1], 1);
	assert_int_equal(plan.apic_ids[2], 3);
	/* a list without the boot CPU: it still counts, once */
	smp_plan(&madt, 9, false, MAX_CPUS, &plan);
	assert_int_equal(plan.count, 4);
	assert_int_equal(plan.listed, 5);
	/* one CPU: nothing to start */
	firmware_lists(1, 0, 1);
	smp_plan(&madt, 0, false, MAX_CPUS, &plan);
	assert_int_equal(plan.count, 0);
	assert_int_equal(plan.listed, 1);
}

static void test_more_cpus_than_supported(void **state)
{
	firmware_lists(MAX_CPUS + 16, 0, 1);
	smp_plan(&madt, 0, true, MAX_CPUS, &plan);
	assert_int_equal(plan.count, MAX_CPUS - 1);
	assert_int_equal(plan.apic_ids[MAX_CPUS - 2], MAX_CPUS - 1);
	assert_int_equal(plan.over_limit, 16);
	assert_int_equal(plan.listed, MAX_CPUS + 16);
	/* more than the MADT parser keeps: those count as over the limit */
	firmware_lists(ACPI_MAX_CPUS + 10, 0, 1);
	smp_plan(&madt, 0, true, MAX_CPUS, &plan);
	assert_int_equal(plan.count, MAX_CPUS - 1);
	assert_int_equal(plan.listed, ACPI_MAX_CPUS + 10);
	assert_int_equal(plan.over_limit, ACPI_MAX_CPUS + 10 - MAX_CPUS);
	/* a smaller limit; 0 still runs the boot CPU */
	firmware_lists(8, 0, 1);
	smp_plan(&madt, 0, false, 2, &plan);
	assert_int_equal(plan.count, 1);
	assert_int_equal(plan.over_limit, 6);
	smp_plan(&madt, 0, false, 0, &plan);
	assert_int_equal(plan.count, 0);
	assert_int_equal(plan.over_limit, 7);
	smp_plan(&madt, 0, false, MAX_CPUS + 100, &plan);
	assert_int_equal(plan.count, 7);
}

static void test_xapic_cannot_reach_high_ids(void **state)
{
	/* ids 250..259; 255 is the xAPIC broadcast id */
	firmware_lists(10, 250, 1);
	smp_plan(&madt, 250, false, MAX_CPUS, &plan);
	assert_int_equal(plan.count, 4);		/* 251-254 */
	assert_int_equal(plan.apic_ids[3], XAPIC_MAX_ID);
	assert_int_equal(plan.need_x2apic, 5);		/* 255-259 */
	assert_int_equal(plan.first_need_x2apic, 255);
	assert_int_equal(plan.over_limit, 0);
	/* in x2APIC mode they all start */
	smp_plan(&madt, 250, true, MAX_CPUS, &plan);
	assert_int_equal(plan.count, 9);
	assert_int_equal(plan.need_x2apic, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_everything_starts),
		cmocka_unit_test(test_boot_cpu_anywhere_or_missing),
		cmocka_unit_test(test_more_cpus_than_supported),
		cmocka_unit_test(test_xapic_cannot_reach_high_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

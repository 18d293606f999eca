// SPDX-License-Identifier: MIT
/*
 * The ACPI PM timer's arithmetic (include/core/dev/acpi_pm_timer.h):
 * pure C, the bus glue is core/dev/acpi_pm_timer_bus.c.
 */
#include <stdbool.h>

#include <core/dev/acpi_pm_timer.h>
#include <core/dev/acpi_tables.h>

_Static_assert(ACPI_PM_TMR_LEN == sizeof(uint32_t),
	       "TMR_VAL_EXT: the FADT's timer block is one 32-bit value");

uint64_t pm_timer_ticks(uint64_t tsc, uint64_t start_tsc, uint64_t tsc_hz)
{
	uint64_t elapsed, whole, rest;

	if (!tsc_hz || tsc < start_tsc)
		return 0;
	elapsed = tsc - start_tsc;
	/*
	 * Whole seconds and the rest apart, so nothing overflows: rest <
	 * tsc_hz < 2^64 / ACPI_PM_TMR_HZ (about 5 * 10^12 Hz) keeps
	 * rest * ACPI_PM_TMR_HZ in 64 bits, and the sum is the exact floor.
	 */
	whole = elapsed / tsc_hz;
	rest = elapsed % tsc_hz;
	if (tsc_hz > UINT64_MAX / ACPI_PM_TMR_HZ)	/* no such TSC */
		return whole * ACPI_PM_TMR_HZ;
	return whole * ACPI_PM_TMR_HZ + rest * ACPI_PM_TMR_HZ / tsc_hz;
}

uint64_t pm_timer_shown(uint64_t *last, uint64_t ticks)
{
	uint64_t seen = __atomic_load_n(last, __ATOMIC_RELAXED);

	while (seen < ticks &&
	       !__atomic_compare_exchange_n(last, &seen, ticks, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;	/* seen is the newer value: compare again */
	return seen > ticks ? seen : ticks;
}

uint32_t pm_timer_read(uint64_t ticks, uint64_t offset, size_t size)
{
	uint32_t value = (uint32_t)ticks, out = 0;

	for (size_t i = 0; i < size && i < sizeof(out) &&
			   offset + i < ACPI_PM_TMR_LEN; i++)
		out |= (uint32_t)(uint8_t)(value >> ((offset + i) * 8)) <<
		       (i * 8);
	return out;
}

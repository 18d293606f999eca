/* SPDX-License-Identifier: MIT */
/*
 * A VM's ACPI power-management timer (docs/guests.md, "The ACPI PM
 * timer"; ACPI 6.5 4.8.3.3): a read-only 32-bit counter at 3.579545 MHz
 * in the port block the FADT's PM_TMR_BLK names (ACPI_PM_TMR_PORT,
 * 4 bytes; TMR_VAL_EXT set). It is computed from the host TSC when read,
 * from the VM's start (the origin of its TSC, vm->tsc_offset), so it runs
 * at wall-clock rate whatever the VM's vCPUs do. Writes are ignored; no
 * overflow event is raised (TMR_STS stays 0).
 *
 * The arithmetic is pure C (host unit test); the port-bus glue is
 * core/dev/acpi_pm_timer_bus.c.
 */
#ifndef KEEL_CORE_DEV_ACPI_PM_TIMER_H
#define KEEL_CORE_DEV_ACPI_PM_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include <core/dev/io_bus.h>

#define ACPI_PM_TMR_HZ 3579545u	/* ACPI 4.8.3.3: 3.579545 MHz */

/*
 * The timer's ticks since start_tsc when the host TSC (running at tsc_hz)
 * reads tsc: floor((tsc - start_tsc) * ACPI_PM_TMR_HZ / tsc_hz), exact
 * for every 64-bit input (no overflow), so monotonic in tsc. 0 when tsc
 * is before start_tsc (another CPU's TSC a little behind) or tsc_hz is 0.
 */
uint64_t pm_timer_ticks(uint64_t tsc, uint64_t start_tsc, uint64_t tsc_hz);

/*
 * What the VM is shown for a count of ticks read now: the highest of
 * ticks and every count shown before (*last, updated atomically), so two
 * reads on CPUs whose TSCs differ slightly never see it go back.
 */
uint64_t pm_timer_shown(uint64_t *last, uint64_t ticks);

/*
 * A read of size bytes (1-4) at offset (0-3) in the timer's port block
 * when it counts ticks: those bytes of the 32-bit value (ticks modulo
 * 2^32); bytes past the block read 0.
 */
uint32_t pm_timer_read(uint64_t ticks, uint64_t offset, size_t size);

/* On the VM's port bus at ACPI_PM_TMR_PORT, ACPI_PM_TMR_LEN ports; dev the VM. */
extern const struct io_bus_ops acpi_pm_timer_bus_ops;

#endif

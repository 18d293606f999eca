// SPDX-License-Identifier: MIT
/*
 * The ACPI PM timer on a VM's port bus (include/core/dev/acpi_pm_timer.h):
 * counted from the VM's start, the origin of its TSC (vm_start sets
 * vm->tsc_offset to -host TSC, so start = -offset), without a lock.
 */
#include <arch/tsc.h>
#include <arch/x86.h>
#include <core/dev/acpi_pm_timer.h>
#include <core/vm.h>

static int pm_tmr_read(void *dev, void *caller, uint64_t offset, size_t size,
		       uint64_t *value)
{
	struct vm *vm = dev;
	uint64_t start = 0 - __atomic_load_n(&vm->tsc_offset, __ATOMIC_RELAXED);
	uint64_t ticks = pm_timer_ticks(rdtsc(), start, tsc_hz);

	ticks = pm_timer_shown(&vm->pm.tmr_last, ticks);
	*value = pm_timer_read(ticks, offset, size);
	return 0;
}

/* ACPI 4.8.3.3: the timer is read-only */
static int pm_tmr_write(void *dev, void *caller, uint64_t offset, size_t size,
			uint64_t value)
{
	return 0;
}

const struct io_bus_ops acpi_pm_timer_bus_ops = { pm_tmr_read, pm_tmr_write };

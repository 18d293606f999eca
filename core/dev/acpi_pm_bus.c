// SPDX-License-Identifier: MIT
/*
 * The power and reset registers on a VM's port bus (include/core/dev/
 * acpi_pm.h): the registers change under the VM's lock, and what a write
 * asks for (power off, reset) is done after it is dropped.
 */
#include <core/dev/acpi_pm.h>
#include <core/vm.h>
#include <lib/spinlock.h>

static void act(struct vm *vm, enum acpi_pm_event event, const char *how)
{
	if (event == ACPI_PM_POWER_OFF)
		vm_stop(vm, VM_OFF, "powered off (ACPI S5 through PM1a_CNT)");
	else if (event == ACPI_PM_RESET)
		vm_reset(vm, how);
}

static int pm1_read(void *dev, void *caller, uint64_t offset, size_t size,
		    uint64_t *value)
{
	struct vm *vm = dev;

	spin_lock(&vm->lock);
	*value = acpi_pm1_read(&vm->pm, offset, size);
	spin_unlock(&vm->lock);
	return 0;
}

static int pm1_write(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t value)
{
	struct vm *vm = dev;
	enum acpi_pm_event event;

	spin_lock(&vm->lock);
	event = acpi_pm1_write(&vm->pm, offset, size, (uint32_t)value);
	spin_unlock(&vm->lock);
	act(vm, event, "PM1a_CNT");
	return 0;
}

static int rst_cnt_read(void *dev, void *caller, uint64_t offset, size_t size,
			uint64_t *value)
{
	struct vm *vm = dev;

	*value = acpi_rst_cnt_read(&vm->pm);
	return 0;
}

static int rst_cnt_write(void *dev, void *caller, uint64_t offset, size_t size,
			 uint64_t value)
{
	struct vm *vm = dev;
	enum acpi_pm_event event;

	spin_lock(&vm->lock);
	event = acpi_rst_cnt_write(&vm->pm, (uint8_t)value);
	spin_unlock(&vm->lock);
	act(vm, event, "port 0xcf9");
	return 0;
}

static int kbc_read(void *dev, void *caller, uint64_t offset, size_t size,
		    uint64_t *value)
{
	*value = KBC_STATUS_IDLE;
	return 0;
}

static int kbc_write(void *dev, void *caller, uint64_t offset, size_t size,
		     uint64_t value)
{
	act(dev, kbc_command_write((uint8_t)value),
	    "keyboard controller command 0xfe");
	return 0;
}

const struct io_bus_ops acpi_pm1_bus_ops = { pm1_read, pm1_write };
const struct io_bus_ops acpi_rst_cnt_bus_ops = { rst_cnt_read, rst_cnt_write };
const struct io_bus_ops kbc_bus_ops = { kbc_read, kbc_write };

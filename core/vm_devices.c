// SPDX-License-Identifier: MIT
/*
 * A VM's devices on its buses (core/dev/io_bus.h); docs/guests.md, "The
 * PC platform". The xAPIC page is one range for all vCPUs: each access
 * reaches the local APIC of the vCPU that made it, which answers only
 * while that APIC is in xAPIC mode (core/dev/vlapic_xapic.c). The page
 * is above RAM only while the VM has less RAM than APIC_BASE_DEFAULT;
 * above that RAM hides it (docs/guests.md); the I/O APIC's likewise.
 */
#include <stddef.h>

#include <core/dev/acpi_pm.h>
#include <core/dev/acpi_pm_timer.h>
#include <core/dev/acpi_tables.h>
#include <core/dev/apic_base.h>
#include <core/dev/io_bus.h>
#include <core/dev/post_port.h>
#include <core/dev/vioapic.h>
#include <core/dev/vlapic.h>
#include <core/dev/vpic.h>
#include <core/dev/vuart.h>
#include <core/vm.h>
#include <lib/spinlock.h>
#include <lib/string.h>

int vm_devices_init(struct vm *vm)
{
	int ret;

	io_bus_init(&vm->ports);
	io_bus_init(&vm->mmio);
	vuart_init(&vm->uart);
	vioapic_init(vm);
	vpic_init(&vm->pic, vm);
	vpit_init(&vm->pit, vm);
	vrtc_init(&vm->rtc, vm, vm->mem_target);
	acpi_pm_init(&vm->pm);
	ret = io_bus_register(&vm->ports, VUART_BASE, VUART_PORTS,
			      &vuart_bus_ops, vm, "com1");
	if (!ret)
		ret = io_bus_register(&vm->ports, VPIC_MASTER_BASE, VPIC_PORTS,
				      &vpic_master_ops, &vm->pic, "pic1");
	if (!ret)
		ret = io_bus_register(&vm->ports, VPIC_SLAVE_BASE, VPIC_PORTS,
				      &vpic_slave_ops, &vm->pic, "pic2");
	if (!ret)
		ret = io_bus_register(&vm->mmio, VIOAPIC_BASE, VIOAPIC_MMIO_BYTES,
				      &vioapic_mmio_ops, vm, "ioapic");
	if (!ret)
		ret = io_bus_register(&vm->ports, VPIT_BASE, VPIT_PORTS,
				      &vpit_bus_ops, &vm->pit, "pit");
	if (!ret)
		ret = io_bus_register(&vm->ports, VPIT_PORTB, 1,
				      &vpit_portb_ops, &vm->pit, "port61");
	if (!ret)
		ret = io_bus_register(&vm->ports, VRTC_BASE, VRTC_PORTS,
				      &vrtc_bus_ops, &vm->rtc, "rtc");
	if (!ret)
		ret = io_bus_register(&vm->ports, POST_PORT, 1, &post_port_ops,
				      NULL, "post");
	if (!ret)
		ret = io_bus_register(&vm->ports, ACPI_PM1A_EVT_PORT,
				      ACPI_PM1_PORTS, &acpi_pm1_bus_ops, vm,
				      "pm1a");
	if (!ret)
		ret = io_bus_register(&vm->ports, ACPI_PM_TMR_PORT,
				      ACPI_PM_TMR_LEN, &acpi_pm_timer_bus_ops,
				      vm, "pm_tmr");
	if (!ret)
		ret = io_bus_register(&vm->ports, ACPI_RESET_PORT, 1,
				      &acpi_rst_cnt_bus_ops, vm, "rst_cnt");
	if (!ret)
		ret = io_bus_register(&vm->ports, KBC_STATUS_PORT, 1,
				      &kbc_bus_ops, vm, "kbc");
	if (!ret)
		ret = io_bus_register(&vm->mmio, APIC_BASE_DEFAULT,
				      VLAPIC_MMIO_BYTES, &vlapic_mmio_ops, vm,
				      "lapic");
	return ret;
}

/*
 * Copies a freshly initialised device over the live one but for its
 * lock (its first field), which is held meanwhile: the management VM may
 * be inside a device of a restarting VM (console input reaches its UART).
 */
static void reset_holding_lock(struct spinlock *lock, void *dev,
			       const void *fresh, size_t size)
{
	spin_lock(lock);
	memcpy((char *)dev + sizeof(*lock), (const char *)fresh + sizeof(*lock),
	       size - sizeof(*lock));
	spin_unlock(lock);
}

_Static_assert(offsetof(struct vuart, lock) == 0 &&
	       offsetof(struct vioapic, lock) == 0 &&
	       offsetof(struct vpic, lock) == 0 &&
	       offsetof(struct vpit, lock) == 0 &&
	       offsetof(struct vrtc, lock) == 0, "each device's lock comes first");

void vm_devices_reset(struct vm *vm)
{
	struct vuart uart;
	struct vioapic ioapic;
	struct vpic pic;
	struct vpit pit;
	struct vrtc rtc;

	vuart_init(&uart);
	reset_holding_lock(&vm->uart.lock, &vm->uart, &uart, sizeof(uart));
	vioapic_regs_reset(&ioapic.regs, vm->vcpu_count);
	reset_holding_lock(&vm->ioapic.lock, &vm->ioapic, &ioapic,
			   sizeof(ioapic));
	vpic_init(&pic, vm);
	reset_holding_lock(&vm->pic.lock, &vm->pic, &pic, sizeof(pic));
	vlapic_set_extint(&vm->vcpus[0].lapic, false);	/* the reset pair's INTR */
	vpit_init(&pit, vm);
	reset_holding_lock(&vm->pit.lock, &vm->pit, &pit, sizeof(pit));
	vrtc_init(&rtc, vm, vm->mem_target);
	reset_holding_lock(&vm->rtc.lock, &vm->rtc, &rtc, sizeof(rtc));
	spin_lock(&vm->lock);
	acpi_pm_init(&vm->pm);
	spin_unlock(&vm->lock);
}

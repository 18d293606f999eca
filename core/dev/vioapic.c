// SPDX-License-Identifier: MIT
/*
 * The I/O APIC device: its MMIO window, its lock, and the delivery of
 * the messages its pins send to the VM's local APICs; the register file
 * itself is core/dev/vioapic_regs.c. See core/dev/vioapic.h.
 *
 * Lock order: a device's own lock (the UART's), then this one, then the
 * scheduler's run-queue locks (vlapic_accept wakes the target).
 */
#include <core/dev/apic_dest.h>
#include <core/dev/irq.h>
#include <core/dev/vioapic.h>
#include <core/dev/vlapic.h>
#include <core/dev/vpic.h>
#include <core/vm.h>
#include <keel/abi.h>

/*
 * The window: IOREGSEL and IOWIN, each the first 4 bytes of a 16-byte
 * slot (82093AA 3.1). The datasheet asks for 32-bit accesses; Keel takes
 * any size at any offset as a window on the slot of its first byte, like
 * the xAPIC page: a narrow write changes only its bytes, bytes 4-15 of
 * a slot and every other slot of the page read 0 and ignore writes.
 */
#define SLOT_SELECT 0
#define SLOT_WINDOW 1
#define SLOT_BYTES  16
#define REG_BYTES   4
#define SELECT_MASK 0xffu
#define FIRST_VALID_VECTOR 16

_Static_assert(VM_MAX_VCPUS <= 32, "apic_dest_route's target mask");
_Static_assert(VIOAPIC_PINS == VM_GSI_COUNT, "one pin per GSI");

void vioapic_init(struct vm *vm)
{
	vm->ioapic.lock = (struct spinlock)SPINLOCK_INIT;
	vioapic_regs_reset(&vm->ioapic.regs, vm->vcpu_count);
}

/*
 * One message to the local APICs it names. Fixed and lowest priority are
 * delivered, and NMI (its vector ignored); the other delivery modes (SMI,
 * INIT, ExtINT) and vectors 0-15 reach nobody. False when the pin is not
 * left waiting for an EOI: no APIC took it, or it was an NMI, which no
 * EOI ends (a level entry in NMI mode sends one NMI per rising level).
 */
static bool send(struct vm *vm, const struct vioapic_msg *m)
{
	struct apic_dest_view views[VM_MAX_VCPUS];
	unsigned int count = __atomic_load_n(&vm->vcpu_count, __ATOMIC_ACQUIRE);
	bool nmi = m->mode == VIOAPIC_MODE_NMI;
	uint32_t targets;

	if (!nmi && (m->vector < FIRST_VALID_VECTOR ||
		     (m->mode != VIOAPIC_MODE_FIXED &&
		      m->mode != VIOAPIC_MODE_LOWEST)))
		return false;
	if (count > VM_MAX_VCPUS)
		count = VM_MAX_VCPUS;
	for (unsigned int i = 0; i < count; i++)
		views[i] = vlapic_dest_view(&vm->vcpus[i]);
	targets = apic_dest_route(views, count, m->logical, m->dest,
				  m->mode == VIOAPIC_MODE_LOWEST);
	for (unsigned int i = 0; i < count; i++) {
		if (!(targets & (1u << i)))
			continue;
		if (nmi)
			vlapic_accept_nmi(&vm->vcpus[i]);
		else
			vlapic_accept(&vm->vcpus[i], m->vector, m->level);
	}
	return targets != 0 && !nmi;
}

/* Lock held: the pins that fired send their messages. */
static void deliver(struct vm *vm, uint32_t fired)
{
	while (fired) {
		unsigned int pin = (unsigned int)__builtin_ctz(fired);
		struct vioapic_msg m = vioapic_regs_msg(&vm->ioapic.regs, pin);

		fired &= fired - 1;
		if (!send(vm, &m))
			vioapic_regs_undelivered(&vm->ioapic.regs, pin);
	}
}

/* The 8259 input of a GSI: ISA IRQ n is GSI n, but IRQ 0 is GSI 2. */
static int isa_irq(unsigned int gsi)
{
	if (gsi == GSI_PIT)
		return 0;
	return gsi && gsi < 16 ? (int)gsi : -1;
}

void vm_irq_set(struct vm *vm, unsigned int gsi, bool high)
{
	int irq;

	if (gsi >= VIOAPIC_PINS)
		return;
	/* the ISA lines reach both, as on a PC (core/dev/vpic.h) */
	irq = isa_irq(gsi);
	if (irq >= 0)
		vpic_set_irq(&vm->pic, (unsigned int)irq, high);
	spin_lock(&vm->ioapic.lock);
	deliver(vm, vioapic_regs_set_line(&vm->ioapic.regs, gsi, high));
	spin_unlock(&vm->ioapic.lock);
}

void vioapic_eoi(struct vm *vm, unsigned int vector)
{
	spin_lock(&vm->ioapic.lock);
	deliver(vm, vioapic_regs_eoi(&vm->ioapic.regs, vector));
	spin_unlock(&vm->ioapic.lock);
}

/* Lock held: the 32 bits of slot (IOREGSEL or IOWIN). */
static uint32_t slot_value(const struct vioapic *io, uint64_t slot)
{
	return slot == SLOT_SELECT ? io->regs.select : vioapic_regs_read(&io->regs);
}

static int vioapic_mmio_read(void *dev, void *caller, uint64_t offset,
			     size_t size, uint64_t *value)
{
	struct vioapic *io = &((struct vm *)dev)->ioapic;
	uint64_t slot = offset / SLOT_BYTES, within = offset % SLOT_BYTES;
	uint32_t reg = 0;

	(void)caller;
	if (slot == SLOT_SELECT || slot == SLOT_WINDOW) {
		spin_lock(&io->lock);
		reg = slot_value(io, slot);
		spin_unlock(&io->lock);
	}
	*value = within < REG_BYTES ? (uint64_t)reg >> (within * 8) : 0;
	if (size < 8)
		*value &= (1ull << (size * 8)) - 1;
	return 0;
}

static int vioapic_mmio_write(void *dev, void *caller, uint64_t offset,
			      size_t size, uint64_t value)
{
	struct vm *vm = dev;
	struct vioapic *io = &vm->ioapic;
	uint64_t slot = offset / SLOT_BYTES, within = offset % SLOT_BYTES;
	uint64_t mask = size < 8 ? (1ull << (size * 8)) - 1 : ~0ull;
	uint32_t merged;

	(void)caller;
	if ((slot != SLOT_SELECT && slot != SLOT_WINDOW) || within >= REG_BYTES)
		return 0;
	spin_lock(&io->lock);
	merged = (uint32_t)(((uint64_t)slot_value(io, slot) &
			     ~(mask << (within * 8))) |
			    ((value & mask) << (within * 8)));
	if (slot == SLOT_SELECT)
		io->regs.select = merged & SELECT_MASK;
	else
		deliver(vm, vioapic_regs_write(&io->regs, merged));
	spin_unlock(&io->lock);
	return 0;
}

const struct io_bus_ops vioapic_mmio_ops = {
	.read = vioapic_mmio_read,
	.write = vioapic_mmio_write,
};

// SPDX-License-Identifier: MIT
/*
 * The VM's 8259A pair: its ports, its inputs (ISA IRQs through
 * vm_irq_set) and its INTR output to vCPU 0's local APIC; see
 * core/dev/vpic.h. The register logic is core/dev/vpic.c.
 */
#include <core/dev/vlapic.h>
#include <core/dev/vpic.h>
#include <core/vcpu.h>
#include <core/vm.h>
#include <sched/sched.h>

void vpic_init(struct vpic *pic, struct vm *vm)
{
	pic->lock = (struct spinlock)SPINLOCK_INIT;
	vpic_regs_reset(&pic->master);
	vpic_regs_reset(&pic->slave);
	pic->intr = false;
	pic->vm = vm;
}

/*
 * Lock held: INTR as the registers now say, told to vCPU 0's local APIC.
 * True when it rose: vCPU 0 is then woken or made to look (after the
 * unlock).
 */
static bool update(struct vpic *pic)
{
	bool intr, rose;

	vpic_pair_sync(&pic->master, &pic->slave);
	intr = vpic_pair_intr(&pic->master);
	rose = intr && !pic->intr;
	pic->intr = intr;
	vlapic_set_extint(&pic->vm->vcpus[0].lapic, intr);
	return rose;
}

static void notify(struct vpic *pic, bool rose)
{
	if (rose)
		sched_vcpu_notify(&pic->vm->vcpus[0]);
}

void vpic_set_irq(struct vpic *pic, unsigned int irq, bool high)
{
	bool rose;

	if (irq >= 16)
		return;
	spin_lock(&pic->lock);
	vpic_regs_set_line(irq < 8 ? &pic->master : &pic->slave, irq % 8, high);
	rose = update(pic);
	spin_unlock(&pic->lock);
	notify(pic, rose);
}

int vpic_intack(struct vpic *pic)
{
	int vector = -1;

	spin_lock(&pic->lock);
	vpic_pair_sync(&pic->master, &pic->slave);
	if (vpic_pair_intr(&pic->master))
		vector = vpic_pair_ack(&pic->master, &pic->slave);
	update(pic);	/* the caller is vCPU 0: nobody to notify */
	spin_unlock(&pic->lock);
	return vector;
}

/*
 * A 16-bit access to the command port is two byte accesses, command then
 * data, as on the ISA bus.
 */
static int chip_read(struct vpic *pic, struct vpic_regs *chip,
		     uint64_t offset, size_t size, uint64_t *value)
{
	bool rose;

	*value = 0;
	spin_lock(&pic->lock);
	for (size_t i = 0; i < size && offset + i < VPIC_PORTS; i++)
		*value |= (uint64_t)vpic_regs_read(chip,
						   (unsigned int)(offset + i))
			  << (i * 8);
	rose = update(pic);	/* a poll acknowledges */
	spin_unlock(&pic->lock);
	notify(pic, rose);
	return 0;
}

static int chip_write(struct vpic *pic, struct vpic_regs *chip,
		      uint64_t offset, size_t size, uint64_t value)
{
	bool rose;

	spin_lock(&pic->lock);
	for (size_t i = 0; i < size && offset + i < VPIC_PORTS; i++)
		vpic_regs_write(chip, (unsigned int)(offset + i),
				(uint8_t)(value >> (i * 8)));
	rose = update(pic);
	spin_unlock(&pic->lock);
	notify(pic, rose);
	return 0;
}

static int master_read(void *dev, void *caller, uint64_t offset, size_t size,
		       uint64_t *value)
{
	struct vpic *pic = dev;

	(void)caller;
	return chip_read(pic, &pic->master, offset, size, value);
}

static int master_write(void *dev, void *caller, uint64_t offset, size_t size,
			uint64_t value)
{
	struct vpic *pic = dev;

	(void)caller;
	return chip_write(pic, &pic->master, offset, size, value);
}

static int slave_read(void *dev, void *caller, uint64_t offset, size_t size,
		      uint64_t *value)
{
	struct vpic *pic = dev;

	(void)caller;
	return chip_read(pic, &pic->slave, offset, size, value);
}

static int slave_write(void *dev, void *caller, uint64_t offset, size_t size,
		       uint64_t value)
{
	struct vpic *pic = dev;

	(void)caller;
	return chip_write(pic, &pic->slave, offset, size, value);
}

const struct io_bus_ops vpic_master_ops = {
	.read = master_read,
	.write = master_write,
};

const struct io_bus_ops vpic_slave_ops = {
	.read = slave_read,
	.write = slave_write,
};

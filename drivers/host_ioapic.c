// SPDX-License-Identifier: MIT
/* The host's I/O APIC: include/drivers/host_ioapic.h. */
#include <base/log.h>
#include <drivers/host_ioapic.h>
#include <mm/hv_map.h>
#include <mm/pagetable.h>

/* 82093AA 3.0: an index register and a data window, then registers */
#define IOREGSEL     0x00
#define IOWIN        0x10
#define IOAPICVER    0x01
#define IOREDTBL(n)  (0x10 + 2 * (n))
#define VER_MAX_REDIR_SHIFT 16

static volatile uint32_t *regs;
static unsigned int inputs;

static uint32_t ioapic_read(unsigned int reg)
{
	regs[IOREGSEL / 4] = reg;
	return regs[IOWIN / 4];
}

static void ioapic_write(unsigned int reg, uint32_t v)
{
	regs[IOREGSEL / 4] = reg;
	regs[IOWIN / 4] = v;
}

bool host_ioapic_init(uint64_t base)
{
	uint32_t ver;

	if (!base || base & (PT_PAGE_4K - 1) ||
	    hv_map_identity(base, PT_PAGE_4K, PT_RW | PT_UC))
		return false;
	regs = (volatile uint32_t *)base;
	ver = ioapic_read(IOAPICVER);
	/* nothing there reads all ones */
	if (ver == 0xffffffffu) {
		regs = NULL;
		return false;
	}
	inputs = ((ver >> VER_MAX_REDIR_SHIFT) & 0xff) + 1;
	log_debug("host I/O APIC at %#lx: %u inputs", (unsigned long)base,
		  inputs);
	return true;
}

bool host_ioapic_route(uint32_t gsi, uint64_t entry)
{
	if (!regs || gsi >= inputs)
		return false;
	/* masked while it changes, the high half (destination) first */
	ioapic_write(IOREDTBL(gsi), IOAPIC_RTE_MASKED);
	ioapic_write(IOREDTBL(gsi) + 1, (uint32_t)(entry >> 32));
	ioapic_write(IOREDTBL(gsi), (uint32_t)entry);
	return true;
}

// SPDX-License-Identifier: MIT
/* PCI configuration mechanism #1 (include/drivers/pci.h). */
#include <arch/x86.h>
#include <drivers/pci.h>
#include <lib/spinlock.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_CONFIG_ENABLE  (1u << 31)

/* The address/data pair is one shared register: one access at a time. */
static struct spinlock pci_lock = SPINLOCK_INIT;

static uint32_t config_address(uint8_t bus, uint8_t dev, uint8_t func,
			       uint8_t off)
{
	return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 |
	       (uint32_t)(dev & 0x1f) << 11 | (uint32_t)(func & 0x7) << 8 |
	       (off & 0xfc);
}

uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t func, uint8_t off)
{
	uint32_t v;

	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, func, off));
	v = inl(PCI_CONFIG_DATA);
	spin_unlock(&pci_lock);
	return v;
}

void pci_write32(uint8_t bus, uint8_t dev, uint8_t func, uint8_t off,
		 uint32_t value)
{
	spin_lock(&pci_lock);
	outl(PCI_CONFIG_ADDRESS, config_address(bus, dev, func, off));
	outl(PCI_CONFIG_DATA, value);
	spin_unlock(&pci_lock);
}

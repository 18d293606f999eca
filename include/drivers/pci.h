/* SPDX-License-Identifier: MIT */
/*
 * PCI configuration space through configuration mechanism #1, I/O ports
 * 0xcf8/0xcfc (PCI Local Bus Specification 3.0, 3.2.2.3.2): segment 0
 * only, the first 256 bytes of each function.
 */
#ifndef KEEL_DRIVERS_PCI_H
#define KEEL_DRIVERS_PCI_H

#include <stdint.h>

#define PCI_VENDOR_ID      0x00	/* 16 bits; device id at 0x02 */
#define PCI_COMMAND        0x04
#define PCI_BAR0           0x10
#define PCI_BAR1           0x14
#define PCI_COMMAND_IO     (1u << 0)
#define PCI_COMMAND_MEMORY (1u << 1)
#define PCI_BAR_IO         (1u << 0)
#define PCI_BAR_MEM_TYPE_MASK 0x6u
#define PCI_BAR_MEM_TYPE_64   0x4u
#define PCI_BAR_IO_MASK    (~0x3u)
#define PCI_BAR_MEM_MASK   (~0xfu)
#define PCI_VENDOR_NONE    0xffff	/* no function answers */

/* off must be 4-byte aligned. */
uint32_t pci_read32(uint8_t bus, uint8_t dev, uint8_t func, uint8_t off);
void pci_write32(uint8_t bus, uint8_t dev, uint8_t func, uint8_t off,
		 uint32_t value);

#endif

// SPDX-License-Identifier: MIT
/*
 * Bringing up the console UART (include/drivers/serial_console.h). The
 * choice is made once, early; I/O ports work on any page tables, while
 * an MMIO UART (or a PCI UART, whose BAR may be memory) waits until the
 * hypervisor's own tables can map it uncached.
 */
#include <stdbool.h>

#include <base/log.h>
#include <drivers/acpi.h>
#include <drivers/host_ioapic.h>
#include <drivers/pci.h>
#include <drivers/serial_console.h>
#include <drivers/serial_select.h>
#include <drivers/uart.h>
#include <lib/util.h>
#include <mm/hv_map.h>
#include <mm/pagetable.h>

#define DESCRIPTION_LEN 200

static struct serial_choice choice;
static bool chosen;
static bool pending;		/* chosen, waiting for serial_console_late */

static const struct uart_config com1 = {
	.space = UART_IO,
	.address = UART_COM1_PORT,
	.reg_width = 1,
	.baud = UART_DEFAULT_BAUD,
};

/*
 * Turns on decoding of the PCI function behind u and, for a pci= console,
 * reads the UART's address from BAR 0. Returns NULL or why the UART
 * cannot be used. A UART the SPCR table gives an address for is used
 * even when its PCI function cannot be checked.
 */
static const char *pci_prepare(struct uart_config *u)
{
	struct uart_pci *pci = &u->pci;
	bool from_bar = u->space == UART_PCI_BAR;
	uint32_t id, bar, cmd, need;

	if (pci->segment)
		return from_bar ? "is outside PCI segment 0, which Keel "
				  "cannot reach" : NULL;
	id = pci_read32(pci->bus, pci->dev, pci->func, PCI_VENDOR_ID);
	if ((id & 0xffff) == PCI_VENDOR_NONE)
		return from_bar ? "is not there: no PCI function answers" :
				  NULL;
	pci->vendor = id & 0xffff;
	pci->device = id >> 16;
	if (from_bar) {
		bar = pci_read32(pci->bus, pci->dev, pci->func, PCI_BAR0);
		if (bar & PCI_BAR_IO) {
			u->space = UART_IO;
			u->address = bar & PCI_BAR_IO_MASK;
			u->reg_width = 1;
		} else {
			u->space = UART_MMIO;
			u->address = bar & PCI_BAR_MEM_MASK;
			if ((bar & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64)
				u->address |= (uint64_t)pci_read32(pci->bus,
					pci->dev, pci->func, PCI_BAR1) << 32;
		}
		if (!u->address)
			return "has no address in BAR 0 (the firmware "
			       "assigned none)";
	}
	cmd = pci_read32(pci->bus, pci->dev, pci->func, PCI_COMMAND) & 0xffff;
	need = u->space == UART_IO ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	/* the status half is write-1-to-clear: write zeroes there */
	if (!(cmd & need))
		pci_write32(pci->bus, pci->dev, pci->func, PCI_COMMAND,
			    cmd | need);
	return NULL;
}

static const char *map_uart(const struct uart_config *u)
{
	uint64_t start = ALIGN_DOWN(u->address, PT_PAGE_4K);
	uint64_t end = ALIGN_UP(u->address + UART_REG_COUNT * u->reg_width,
				PT_PAGE_4K);

	if (hv_map_identity(start, end - start, PT_RW | PT_UC))
		return "cannot be mapped";
	return NULL;
}

static void bring_up(void)
{
	struct uart_config u = choice.uart;
	char desc[DESCRIPTION_LEN];
	const char *why = NULL;

	pending = false;
	if (u.space == UART_NONE) {
		log_info("console: none (keel.cfg): log lines go to the log "
			 "ring only");
		return;
	}
	if (u.pci.present)
		why = pci_prepare(&u);
	choice.uart = u;	/* now with what PCI told */
	serial_describe(&choice, desc, sizeof(desc));
	if (!why && u.space == UART_MMIO)
		why = map_uart(&u);
	if (!why && !uart_init(&u))
		why = "does not answer (its scratch register keeps no value)";
	if (!why) {
		log_console_ready();
		log_info("console: %s", desc);
		return;
	}
	if (u.space == UART_IO && u.address == UART_COM1_PORT) {
		log_error("console: %s %s; no console", desc, why);
		return;
	}
	uart_init(&com1);
	log_console_ready();
	log_error("console: %s %s; using COM1 at 115200 baud instead", desc,
		  why);
}

void serial_console_early(const struct boot_info *bi,
			  const struct config_console *cfg)
{
	serial_select_acpi(bi->acpi_rsdp, cfg, &choice);
	chosen = pending = true;
	if (choice.uart.space == UART_IO && !choice.uart.pci.present)
		bring_up();
}

void serial_console_late(void)
{
	if (pending)
		bring_up();
}

void serial_console_panic(void)
{
	bool io = choice.uart.space == UART_IO && !choice.uart.pci.present;

	/* `console none` means none, even now */
	if (uart_ready() || (chosen && choice.uart.space == UART_NONE))
		return;
	if (!chosen || !io || !uart_init(&choice.uart))
		uart_init(&com1);
	log_console_panic();
}

/* The ISA IRQ of a UART at a legacy port (PC/AT: COM1 4, COM2 3), or -1. */
static int legacy_irq(const struct uart_config *u)
{
	if (u->space != UART_IO || u->pci.present)
		return -1;
	if (u->address == UART_COM1_PORT)
		return 4;
	if (u->address == UART_COM2_PORT)
		return 3;
	return -1;
}

bool serial_console_rx_interrupt(const struct madt_info *madt,
				 uint8_t vector, uint8_t apic_id)
{
	int irq = uart_ready() ? legacy_irq(&choice.uart) : -1;
	uint64_t base = madt && madt->ioapic_base ? madt->ioapic_base :
			HOST_IOAPIC_DEFAULT_BASE;
	uint32_t gsi;
	uint16_t inti;

	if (irq < 0) {
		log_info("console: no interrupt known for this UART; it is polled");
		return false;
	}
	/* without a MADT (Bochs's OVMF) the ISA IRQs are the first inputs */
	gsi = madt && madt->ioapic_base ? madt->isa_gsi[irq] : (uint32_t)irq;
	inti = madt && madt->ioapic_base ? madt->isa_flags[irq] : 0;
	if (!host_ioapic_init(base) ||
	    !host_ioapic_route(gsi, ioapic_isa_entry(vector, apic_id, inti))) {
		log_info("console: no I/O APIC at %#lx for IRQ %d; the UART is polled",
			 (unsigned long)base, irq);
		return false;
	}
	log_info("console: receive interrupt IRQ %d (GSI %u) to CPU 0", irq,
		 gsi);
	return true;
}

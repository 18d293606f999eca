// SPDX-License-Identifier: MIT
/*
 * Where the hypervisor's console will be, said on the firmware's console
 * just before the loader leaves it: a person looking at a screen learns
 * where the rest of the boot goes (and that it goes nowhere when no UART
 * answers). The choice is the hypervisor's own (drivers/serial_select.c),
 * from the same keel.cfg and SPCR table.
 */
#include <stdbool.h>

#include <arch/x86.h>
#include <core/config.h>
#include <drivers/serial_select.h>
#include <drivers/uart_regs.h>

#include "loader.h"

#define DESCRIPTION_LEN	200

/* The scratch register keeps a value only where a 16550 is; restored. */
static bool io_uart_answers(uint16_t port)
{
	uint8_t saved = inb(port + UART_SCR);
	bool answers;

	outb(port + UART_SCR, SCR_PROBE_1);
	answers = inb(port + UART_SCR) == SCR_PROBE_1;
	outb(port + UART_SCR, saved);
	return answers;
}

void serial_report(const struct config *cfg, uint64_t rsdp)
{
	struct serial_choice choice;
	char desc[DESCRIPTION_LEN];

	serial_select_acpi(rsdp, &cfg->console, &choice);
	serial_describe(&choice, desc, sizeof(desc));
	loader_log("hypervisor console: %s", desc);
	if (choice.uart.space == UART_NONE)
		loader_log("warning: with `console none` the hypervisor "
			   "prints nothing after this screen");
	else if (choice.uart.space == UART_IO && !choice.uart.pci.present &&
		 !io_uart_answers((uint16_t)choice.uart.address))
		loader_log("warning: no UART answers at I/O port %#llx: the "
			   "hypervisor's messages will not be seen; set "
			   "`console` in keel.cfg (docs/hardware.md)",
			   (unsigned long long)choice.uart.address);
}

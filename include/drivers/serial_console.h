/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor's serial console on real machines: chosen from keel.cfg
 * and the ACPI SPCR table (drivers/serial_select.h), brought up as soon
 * as it can be reached. Log lines written before that are kept and
 * printed once it is up (base/log.h).
 */
#ifndef KEEL_DRIVERS_SERIAL_CONSOLE_H
#define KEEL_DRIVERS_SERIAL_CONSOLE_H

#include <stdbool.h>
#include <stdint.h>

#include <core/config.h>
#include <keel/boot_info.h>

/*
 * Chooses the console (cfg NULL: keel.cfg did not parse) and brings up
 * an I/O-port UART at once. Runs on the loader's page tables.
 */
void serial_console_early(const struct boot_info *bi,
			  const struct config_console *cfg);

/*
 * After hv_map_init: brings up an MMIO or PCI UART (mapped uncached).
 * When the chosen UART does not answer, falls back to COM1 and says why.
 */
void serial_console_late(void);

/*
 * For panic: makes sure some UART is up (the chosen one if it is an
 * I/O port, else COM1) and prints the lines kept so far. No locks.
 */
void serial_console_panic(void);

struct madt_info;
/*
 * Routes the console UART's receive interrupt as vector to the CPU with
 * apic_id through the host I/O APIC (madt NULL: no ACPI MADT, the PC
 * defaults); uart_rx_interrupt turns it on. False when the UART has no known ISA IRQ or
 * no I/O APIC answers: then it stays polled.
 */
bool serial_console_rx_interrupt(const struct madt_info *madt,
				 uint8_t vector, uint8_t apic_id);

#endif

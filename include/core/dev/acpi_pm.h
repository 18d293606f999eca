/* SPDX-License-Identifier: MIT */
/*
 * A VM's power and reset registers (docs/guests.md, "The PC platform"),
 * the fixed hardware its FADT describes (core/dev/acpi_tables.c):
 *   - the PM1a event block at 0x600: PM1_STS (write 1 to clear) and
 *     PM1_EN, 2 bytes each (ACPI 6.5 4.8.3.1);
 *   - PM1a control at 0x604: SCI_EN reads 1 (ACPI mode is always on),
 *     SLP_TYP 5 with SLP_EN powers the VM off (\_S5 in the DSDT), other
 *     sleep types are not offered and do nothing (4.8.3.2);
 *   - the reset control register at 0xcf9 (Intel I/O controller hub
 *     RST_CNT): RST_CPU (bit 2) set resets, SYS_RST and FULL_RST (bits 1
 *     and 3) read back; the FADT's RESET_REG writes 0x06 there;
 *   - port 0x64, what is left of a keyboard controller: its status reads
 *     idle (both buffers empty), command 0xfe (pulse the reset line)
 *     resets, every other command is ignored. The FADT says no 8042.
 *
 * The register logic is pure C (host unit test); the VM's port bus
 * reaches it through core/dev/acpi_pm_bus.c, which acts on the event a
 * write returns. Accesses of any size and alignment inside a block work
 * byte by byte, as on an LPC bus.
 */
#ifndef KEEL_CORE_DEV_ACPI_PM_H
#define KEEL_CORE_DEV_ACPI_PM_H

#include <stddef.h>
#include <stdint.h>

#include <core/dev/io_bus.h>

#define ACPI_PM1_PORTS      6	/* event block and control, 0x600-0x605 */
#define KBC_STATUS_PORT     0x64
#define KBC_STATUS_IDLE     0x00	/* output and input buffers empty */
#define KBC_CMD_RESET       0xfe

/* PM1_STS, PM1_EN, PM1_CNT bits (ACPI 6.5 tables 4.16-4.18) */
#define PM1_STS_BITS  0xc731u	/* TMR, BM, GBL, PWRBTN, SLPBTN, RTC, */
				/* PCIEXP_WAKE, WAK */
#define PM1_EN_BITS   0x4721u	/* TMR, GBL, PWRBTN, SLPBTN, RTC, PCIEXP_WAKE_DIS */
#define PM1_CNT_SCI_EN   (1u << 0)
#define PM1_CNT_BM_RLD   (1u << 1)
#define PM1_CNT_GBL_RLS  (1u << 2)	/* write-only */
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP  (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN   (1u << 13)	/* write-only */

/* RST_CNT at 0xcf9 */
#define RST_CNT_SYS_RST  (1u << 1)
#define RST_CNT_RST_CPU  (1u << 2)
#define RST_CNT_FULL_RST (1u << 3)

struct acpi_pm {
	uint16_t sts, en, cnt;	/* PM1a; cnt without the write-only bits */
	uint8_t rst_cnt;
	/* the PM timer's highest count shown (acpi_pm_timer.h), atomic */
	uint64_t tmr_last;
};

/* What a write asks of the VM. */
enum acpi_pm_event {
	ACPI_PM_NOTHING = 0,
	ACPI_PM_POWER_OFF,
	ACPI_PM_RESET,
};

/* The reset state: everything 0 (SCI_EN is not stored: it reads 1). */
void acpi_pm_init(struct acpi_pm *pm);

/* offset 0-5 in the PM1a blocks, size bytes (1-4) that stay inside. */
uint32_t acpi_pm1_read(const struct acpi_pm *pm, uint64_t offset,
		       size_t size);
enum acpi_pm_event acpi_pm1_write(struct acpi_pm *pm, uint64_t offset,
				  size_t size, uint32_t value);

uint8_t acpi_rst_cnt_read(const struct acpi_pm *pm);
enum acpi_pm_event acpi_rst_cnt_write(struct acpi_pm *pm, uint8_t value);

/* Port 0x64: status and command. */
enum acpi_pm_event kbc_command_write(uint8_t command);

/*
 * On the VM's port bus (core/vm_devices.c), dev the VM: the PM1a blocks
 * at ACPI_PM1A_EVT_PORT (ACPI_PM1_PORTS long), RST_CNT at
 * ACPI_RESET_PORT, the keyboard controller's status/command at
 * KBC_STATUS_PORT, one byte each.
 */
extern const struct io_bus_ops acpi_pm1_bus_ops;
extern const struct io_bus_ops acpi_rst_cnt_bus_ops;
extern const struct io_bus_ops kbc_bus_ops;

#endif

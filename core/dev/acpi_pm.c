// SPDX-License-Identifier: MIT
/*
 * The power and reset registers' logic (include/core/dev/acpi_pm.h):
 * pure C, the bus glue is core/dev/acpi_pm_bus.c.
 */
#include <core/dev/acpi_pm.h>
#include <core/dev/acpi_tables.h>

#define PM1_REG_STS 0
#define PM1_REG_EN  1
#define PM1_REG_CNT 2
#define PM1_REGS    3
/* what PM1_CNT keeps of a write; SCI_EN is hard-wired to 1 */
#define PM1_CNT_STORED (PM1_CNT_BM_RLD | PM1_CNT_SLP_TYP)

_Static_assert(PM1_REGS * 2 == ACPI_PM1_PORTS &&
	       ACPI_PM1A_CNT_PORT - ACPI_PM1A_EVT_PORT == PM1_REG_CNT * 2 &&
	       ACPI_PM1_EVT_LEN == 4 && ACPI_PM1_CNT_LEN == 2,
	       "the FADT's PM1a blocks are these three 16-bit registers");

void acpi_pm_init(struct acpi_pm *pm)
{
	*pm = (struct acpi_pm){ 0 };
}

static uint16_t pm1_reg(const struct acpi_pm *pm, unsigned int reg)
{
	switch (reg) {
	case PM1_REG_STS:
		return pm->sts;
	case PM1_REG_EN:
		return pm->en;
	default:
		return (uint16_t)((pm->cnt & PM1_CNT_STORED) | PM1_CNT_SCI_EN);
	}
}

uint32_t acpi_pm1_read(const struct acpi_pm *pm, uint64_t offset, size_t size)
{
	uint32_t value = 0;

	for (size_t i = 0; i < size && i < sizeof(value) &&
			   offset + i < ACPI_PM1_PORTS; i++) {
		uint64_t at = offset + i;
		uint16_t reg = pm1_reg(pm, (unsigned int)(at / 2));

		value |= (uint32_t)(uint8_t)(reg >> (at % 2 * 8)) << (i * 8);
	}
	return value;
}

/* One register's part of a write: the bits in mask are value's. */
static enum acpi_pm_event pm1_write_reg(struct acpi_pm *pm, unsigned int reg,
					uint16_t mask, uint16_t value)
{
	value &= mask;
	switch (reg) {
	case PM1_REG_STS:
		pm->sts &= (uint16_t)~(value & PM1_STS_BITS);	/* write 1 to clear */
		return ACPI_PM_NOTHING;
	case PM1_REG_EN:
		pm->en = (uint16_t)((pm->en & ~mask) |
				    (value & PM1_EN_BITS));
		return ACPI_PM_NOTHING;
	default:
		pm->cnt = (uint16_t)(((pm->cnt & ~mask) | value) &
				     PM1_CNT_STORED);
		if (!(value & PM1_CNT_SLP_EN))
			return ACPI_PM_NOTHING;
		/* only S5 is offered (the DSDT has \_S5 alone) */
		if ((pm->cnt & PM1_CNT_SLP_TYP) >> PM1_CNT_SLP_TYP_SHIFT ==
		    ACPI_SLP_TYP_S5)
			return ACPI_PM_POWER_OFF;
		return ACPI_PM_NOTHING;
	}
}

enum acpi_pm_event acpi_pm1_write(struct acpi_pm *pm, uint64_t offset,
				  size_t size, uint32_t value)
{
	uint16_t mask[PM1_REGS] = { 0 }, bits[PM1_REGS] = { 0 };
	enum acpi_pm_event event = ACPI_PM_NOTHING;

	/* gather the bytes per register, then write each register once */
	for (size_t i = 0; i < size && i < sizeof(value) &&
			   offset + i < ACPI_PM1_PORTS; i++) {
		uint64_t at = offset + i;
		unsigned int shift = (unsigned int)(at % 2 * 8);

		mask[at / 2] |= (uint16_t)(0xff << shift);
		bits[at / 2] |= (uint16_t)((uint8_t)(value >> (i * 8)) << shift);
	}
	for (unsigned int reg = 0; reg < PM1_REGS; reg++) {
		enum acpi_pm_event e;

		if (!mask[reg])
			continue;
		e = pm1_write_reg(pm, reg, mask[reg], bits[reg]);
		if (e != ACPI_PM_NOTHING)
			event = e;
	}
	return event;
}

uint8_t acpi_rst_cnt_read(const struct acpi_pm *pm)
{
	return pm->rst_cnt;
}

enum acpi_pm_event acpi_rst_cnt_write(struct acpi_pm *pm, uint8_t value)
{
	pm->rst_cnt = value & (RST_CNT_SYS_RST | RST_CNT_FULL_RST);
	/* hard (SYS_RST) or soft: the VM restarts from its image either way */
	return (value & RST_CNT_RST_CPU) ? ACPI_PM_RESET : ACPI_PM_NOTHING;
}

enum acpi_pm_event kbc_command_write(uint8_t command)
{
	return command == KBC_CMD_RESET ? ACPI_PM_RESET : ACPI_PM_NOTHING;
}

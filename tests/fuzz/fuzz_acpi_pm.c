// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the power and reset registers a guest writes
 * (core/dev/acpi_pm.c): the input is a series of accesses, 4 bytes each
 * (which register and how: offset, size, then the value's byte, spread);
 * after each, the stored registers keep only their defined bits, PM1_CNT
 * reads SCI_EN and never the write-only bits, and an event comes only
 * from a write that asks for it.
 */
#include <stdint.h>
#include <stdlib.h>

#include <core/dev/acpi_pm.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

#define OP_BYTES 4

static void check_state(const struct acpi_pm *pm)
{
	uint32_t cnt = acpi_pm1_read(pm, 4, 2);

	CHECK(!(pm->sts & ~PM1_STS_BITS));
	CHECK(!(pm->en & ~PM1_EN_BITS));
	CHECK(cnt & PM1_CNT_SCI_EN);
	CHECK(!(cnt & (PM1_CNT_SLP_EN | PM1_CNT_GBL_RLS)));
	CHECK(!(acpi_rst_cnt_read(pm) & RST_CNT_RST_CPU));
	CHECK(acpi_pm1_read(pm, 0, 4) == ((uint32_t)pm->en << 16 | pm->sts));
}

static void one(struct acpi_pm *pm, const uint8_t *op)
{
	unsigned int kind = op[0] & 3, offset = op[1] % ACPI_PM1_PORTS;
	size_t size = (size_t)1 << (op[1] >> 4) % 3;	/* 1, 2 or 4 */
	uint32_t value = op[2] | (uint32_t)op[3] << 8 | (uint32_t)op[2] << 16 |
			 (uint32_t)op[3] << 24;
	enum acpi_pm_event e;

	if (offset + size > ACPI_PM1_PORTS)	/* the bus keeps it inside */
		size = ACPI_PM1_PORTS - offset;
	switch (kind) {
	case 0:
		(void)acpi_pm1_read(pm, offset, size);
		return;
	case 1:
		e = acpi_pm1_write(pm, offset, size, value);
		/* only a write reaching SLP_EN (byte 5, bit 5) powers off */
		CHECK(e == ACPI_PM_NOTHING ||
		      (e == ACPI_PM_POWER_OFF && offset + size > 5 &&
		       (value >> ((5 - offset) * 8) & 0x20)));
		return;
	case 2:
		e = acpi_rst_cnt_write(pm, op[2]);
		CHECK((e == ACPI_PM_RESET) == !!(op[2] & RST_CNT_RST_CPU));
		return;
	default:
		e = kbc_command_write(op[2]);
		CHECK((e == ACPI_PM_RESET) == (op[2] == KBC_CMD_RESET));
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_pm pm;

	acpi_pm_init(&pm);
	for (size_t i = 0; i + OP_BYTES <= size; i += OP_BYTES) {
		one(&pm, data + i);
		check_state(&pm);
	}
	return 0;
}

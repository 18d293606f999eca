// SPDX-License-Identifier: MIT
/*
 * core/dev/acpi_pm.c: the PM1a registers (status write-1-to-clear,
 * enable, control with SCI_EN hard-wired and SLP_TYP/SLP_EN), by word,
 * byte and dword; the reset control register; the keyboard controller's
 * reset command.
 */
#include <string.h>

#include "test_util.h"

#include <core/dev/acpi_pm.h>

#define OFF_STS 0
#define OFF_EN  2
#define OFF_CNT 4
#define S5_EN   ((5u << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SLP_EN)

static void test_reset_state(void **state)
{
	struct acpi_pm pm;

	memset(&pm, 0xff, sizeof(pm));
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 2), 0);
	assert_int_equal(acpi_pm1_read(&pm, OFF_EN, 2), 0);
	/* ACPI mode is always on: SCI_EN reads 1 */
	assert_int_equal(acpi_pm1_read(&pm, OFF_CNT, 2), PM1_CNT_SCI_EN);
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 4), 0);
	assert_int_equal(acpi_rst_cnt_read(&pm), 0);
}

static void test_status_write_one_to_clear(void **state)
{
	struct acpi_pm pm;

	acpi_pm_init(&pm);
	pm.sts = 0x8101;	/* WAK, PWRBTN, TMR as if raised */
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 2), 0x8101);
	assert_int_equal(acpi_pm1_write(&pm, OFF_STS, 2, 0x0100),
			 ACPI_PM_NOTHING);
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 2), 0x8001);
	/* writing 0 changes nothing; the high byte alone clears WAK */
	acpi_pm1_write(&pm, OFF_STS, 2, 0);
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 2), 0x8001);
	acpi_pm1_write(&pm, OFF_STS + 1, 1, 0x80);
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 2), 0x0001);
}

static void test_enable_read_back(void **state)
{
	struct acpi_pm pm;

	acpi_pm_init(&pm);
	acpi_pm1_write(&pm, OFF_EN, 2, 0xffff);
	assert_int_equal(acpi_pm1_read(&pm, OFF_EN, 2), PM1_EN_BITS);
	/* a dword at 0x600: status (clears nothing set) and enable */
	acpi_pm1_write(&pm, OFF_STS, 4, 0x01200000);
	assert_int_equal(acpi_pm1_read(&pm, OFF_STS, 4), 0x01200000);
	assert_int_equal(acpi_pm1_read(&pm, OFF_EN + 1, 1), 0x01);
	assert_int_equal(acpi_pm1_read(&pm, OFF_EN, 1), 0x20);
}

static void test_control_and_s5(void **state)
{
	struct acpi_pm pm;

	acpi_pm_init(&pm);
	/* SLP_TYP without SLP_EN: stored, nothing happens */
	assert_int_equal(acpi_pm1_write(&pm, OFF_CNT, 2,
					5u << PM1_CNT_SLP_TYP_SHIFT),
			 ACPI_PM_NOTHING);
	assert_int_equal(acpi_pm1_read(&pm, OFF_CNT, 2),
			 (5u << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SCI_EN);
	/* other sleep types are not offered: nothing */
	assert_int_equal(acpi_pm1_write(&pm, OFF_CNT, 2,
					(1u << PM1_CNT_SLP_TYP_SHIFT) |
					PM1_CNT_SLP_EN), ACPI_PM_NOTHING);
	/* SLP_EN reads 0 */
	assert_int_equal(acpi_pm1_read(&pm, OFF_CNT, 2) & PM1_CNT_SLP_EN, 0);
	/* S5 with SLP_EN, as a word: off */
	assert_int_equal(acpi_pm1_write(&pm, OFF_CNT, 2, S5_EN),
			 ACPI_PM_POWER_OFF);
	/* as one byte at 0x605 (SLP_TYP and SLP_EN both live there) */
	acpi_pm_init(&pm);
	assert_int_equal(acpi_pm1_write(&pm, OFF_CNT + 1, 1, S5_EN >> 8),
			 ACPI_PM_POWER_OFF);
	/* a low-byte write keeps SLP_TYP; SCI_EN cannot be cleared */
	acpi_pm_init(&pm);
	acpi_pm1_write(&pm, OFF_CNT, 2, 5u << PM1_CNT_SLP_TYP_SHIFT);
	acpi_pm1_write(&pm, OFF_CNT, 1, 0);
	assert_int_equal(acpi_pm1_read(&pm, OFF_CNT, 2),
			 (5u << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SCI_EN);
	/* then SLP_EN alone in the high byte, with S5 kept: off */
	assert_int_equal(acpi_pm1_write(&pm, OFF_CNT + 1, 1,
					(S5_EN >> 8)), ACPI_PM_POWER_OFF);
}

static void test_reset_register(void **state)
{
	struct acpi_pm pm;

	acpi_pm_init(&pm);
	/* Linux's "cf9" way: 0x02, then 0x06 */
	assert_int_equal(acpi_rst_cnt_write(&pm, RST_CNT_SYS_RST),
			 ACPI_PM_NOTHING);
	assert_int_equal(acpi_rst_cnt_read(&pm), RST_CNT_SYS_RST);
	assert_int_equal(acpi_rst_cnt_write(&pm, 0x06), ACPI_PM_RESET);
	/* the FADT's RESET_VALUE alone, and a soft reset */
	acpi_pm_init(&pm);
	assert_int_equal(acpi_rst_cnt_write(&pm, 0x06), ACPI_PM_RESET);
	assert_int_equal(acpi_rst_cnt_write(&pm, RST_CNT_RST_CPU),
			 ACPI_PM_RESET);
	assert_int_equal(acpi_rst_cnt_write(&pm, RST_CNT_FULL_RST),
			 ACPI_PM_NOTHING);
	assert_int_equal(acpi_rst_cnt_read(&pm), RST_CNT_FULL_RST);
}

static void test_keyboard_controller(void **state)
{
	assert_int_equal(kbc_command_write(KBC_CMD_RESET), ACPI_PM_RESET);
	for (unsigned int c = 0; c < 256; c++)
		if (c != KBC_CMD_RESET)
			assert_int_equal(kbc_command_write((uint8_t)c),
					 ACPI_PM_NOTHING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_state),
		cmocka_unit_test(test_status_write_one_to_clear),
		cmocka_unit_test(test_enable_read_back),
		cmocka_unit_test(test_control_and_s5),
		cmocka_unit_test(test_reset_register),
		cmocka_unit_test(test_keyboard_controller),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

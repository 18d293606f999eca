// SPDX-License-Identifier: MIT
/*
 * drivers/spcr.c and drivers/serial_select.c: SPCR tables built byte by
 * byte as firmware lays them out, and the console choice from keel.cfg
 * and SPCR.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <core/config.h>
#include <drivers/serial_select.h>
#include <drivers/spcr.h>
#include <drivers/uart.h>
#include <keel/abi.h>

#define SPCR_REV4_LENGTH 88

struct spcr_spec {
	uint8_t revision;
	uint32_t length;
	uint8_t type;
	uint8_t space;		/* GAS space id */
	uint8_t bit_width;
	uint8_t access;		/* GAS access size */
	uint64_t address;
	uint8_t baud_code;
	uint16_t pci_vendor, pci_device;
	uint8_t pci_bus, pci_dev, pci_func, pci_segment;
	uint32_t clock;
	uint32_t precise_baud;
};

static uint8_t table[256];

static void put16(size_t off, uint16_t v)
{
	memcpy(table + off, &v, sizeof(v));
}

static void put32(size_t off, uint32_t v)
{
	memcpy(table + off, &v, sizeof(v));
}

static void put32_at(uint8_t *t, size_t off, uint32_t v)
{
	memcpy(t + off, &v, sizeof(v));
}

static void put64(size_t off, uint64_t v)
{
	memcpy(table + off, &v, sizeof(v));
}

/* Lays out an SPCR table as the firmware would (checksum included). */
static size_t build(const struct spcr_spec *s)
{
	uint32_t length = s->length ? s->length : SPCR_MIN_LENGTH;
	uint8_t sum = 0;

	memset(table, 0, sizeof(table));
	memcpy(table, "SPCR", 4);
	put32(4, length);
	table[8] = s->revision ? s->revision : 2;
	memcpy(table + 10, "KEELTS", 6);
	memcpy(table + 16, "KEELSPCR", 8);
	table[36] = s->type;
	table[40] = s->space;
	table[41] = s->bit_width;
	table[43] = s->access;
	put64(44, s->address);
	table[58] = s->baud_code;
	put16(64, s->pci_device ? s->pci_device : 0xffff);
	put16(66, s->pci_vendor ? s->pci_vendor : 0xffff);
	table[68] = s->pci_bus;
	table[69] = s->pci_dev;
	table[70] = s->pci_func;
	table[75] = s->pci_segment;
	put32(76, s->clock);
	if (length >= 84)
		put32(80, s->precise_baud);
	for (uint32_t i = 0; i < length; i++)
		sum += table[i];
	table[9] = (uint8_t)-sum;
	return length;
}

static struct spcr_info info;
static const char *why;

static int parse_spec(const struct spcr_spec *s)
{
	size_t len = build(s);

	memset(&info, 0xa5, sizeof(info));
	why = NULL;
	return spcr_parse(table, len, &info, &why);
}

/* ------------------------------------------------------------- spcr_parse */

static void test_com1_io(void **state)
{
	struct spcr_spec s = { .space = GAS_SPACE_IO, .bit_width = 8,
			       .access = 1, .address = 0x3f8, .baud_code = 7 };

	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.interface_type, SPCR_TYPE_16550);
	assert_int_equal(info.uart.space, UART_IO);
	assert_int_equal(info.uart.address, 0x3f8);
	assert_int_equal(info.uart.reg_width, 1);
	assert_int_equal(info.uart.baud, 115200);
	assert_int_equal(info.uart.clock_hz, 0);
	assert_false(info.uart.pci.present);
}

static void test_baud_codes(void **state)
{
	static const struct { uint8_t code; uint32_t baud; } codes[] = {
		{ 0, 0 }, { 1, 0 }, { 2, 0 }, { 3, 9600 }, { 4, 19200 },
		{ 5, 0 }, { 6, 57600 }, { 7, 115200 }, { 8, 0 }, { 0xff, 0 },
	};

	for (size_t i = 0; i < TEST_ARRAY_SIZE(codes); i++) {
		struct spcr_spec s = { .space = GAS_SPACE_IO,
				       .address = 0x2f8,
				       .baud_code = codes[i].code };

		assert_int_equal(parse_spec(&s), 0);
		assert_int_equal(info.baud_code, codes[i].code);
		assert_int_equal(info.uart.baud, codes[i].baud);
	}
}

static void test_mmio_widths(void **state)
{
	/* access size wins; with access size 0 the bit width decides */
	static const struct { uint8_t access, bits, width; } cases[] = {
		{ 1, 8, 1 }, { 2, 16, 2 }, { 3, 32, 4 }, { 3, 8, 4 },
		{ 0, 8, 1 }, { 0, 16, 2 }, { 0, 32, 4 }, { 0, 0, 1 },
	};

	for (size_t i = 0; i < TEST_ARRAY_SIZE(cases); i++) {
		struct spcr_spec s = { .type = SPCR_TYPE_16550_GAS,
				       .space = GAS_SPACE_MEMORY,
				       .access = cases[i].access,
				       .bit_width = cases[i].bits,
				       .address = 0xfe032000,
				       .baud_code = 7 };

		assert_int_equal(parse_spec(&s), 0);
		assert_int_equal(info.uart.space, UART_MMIO);
		assert_int_equal(info.uart.address, 0xfe032000);
		assert_int_equal(info.uart.reg_width, cases[i].width);
	}
}

static void test_io_ignores_width(void **state)
{
	struct spcr_spec s = { .space = GAS_SPACE_IO, .bit_width = 32,
			       .access = 3, .address = 0x3e8 };

	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.uart.reg_width, 1);
}

static void test_pci_card(void **state)
{
	struct spcr_spec s = { .type = SPCR_TYPE_16550,
			       .space = GAS_SPACE_IO, .address = 0xe000,
			       .baud_code = 7, .pci_vendor = 0x8086,
			       .pci_device = 0xa13d, .pci_bus = 0,
			       .pci_dev = 0x16, .pci_func = 3 };

	assert_int_equal(parse_spec(&s), 0);
	assert_true(info.uart.pci.present);
	assert_int_equal(info.uart.pci.vendor, 0x8086);
	assert_int_equal(info.uart.pci.device, 0xa13d);
	assert_int_equal(info.uart.pci.bus, 0);
	assert_int_equal(info.uart.pci.dev, 0x16);
	assert_int_equal(info.uart.pci.func, 3);
	assert_int_equal(info.uart.pci.segment, 0);

	/* a PCIe card behind a bridge, memory BAR, 32-bit registers */
	s = (struct spcr_spec){ .type = SPCR_TYPE_16550_GAS,
				.space = GAS_SPACE_MEMORY, .access = 3,
				.address = 0x80001000, .baud_code = 6,
				.pci_vendor = 0x1c00, .pci_device = 0x3253,
				.pci_bus = 0x03, .pci_dev = 0, .pci_func = 0,
				.pci_segment = 1 };
	assert_int_equal(parse_spec(&s), 0);
	assert_true(info.uart.pci.present);
	assert_int_equal(info.uart.pci.bus, 3);
	assert_int_equal(info.uart.pci.segment, 1);
	assert_int_equal(info.uart.reg_width, 4);
	assert_int_equal(info.uart.baud, 57600);
}

static void test_not_pci(void **state)
{
	/* 0xffff is the spec's "not PCI"; some firmware leaves zeroes */
	struct spcr_spec s = { .space = GAS_SPACE_IO, .address = 0x3f8 };

	assert_int_equal(parse_spec(&s), 0);
	assert_false(info.uart.pci.present);
	build(&s);
	put16(64, 0);
	put16(66, 0);
	assert_int_equal(spcr_parse(table, SPCR_MIN_LENGTH, &info, &why), 0);
	assert_false(info.uart.pci.present);
	/* a device or function number out of range: not a usable location */
	s = (struct spcr_spec){ .space = GAS_SPACE_IO, .address = 0x3f8,
				.pci_vendor = 0x8086, .pci_device = 1,
				.pci_dev = 32 };
	assert_int_equal(parse_spec(&s), 0);
	assert_false(info.uart.pci.present);
}

static void test_revision_fields(void **state)
{
	/* revision 2: offset 76 is reserved, not a clock */
	struct spcr_spec s = { .revision = 2, .space = GAS_SPACE_IO,
			       .address = 0x3f8, .baud_code = 7,
			       .clock = 48000000 };

	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.uart.clock_hz, 0);
	s.revision = 3;
	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.revision, 3);
	assert_int_equal(info.uart.clock_hz, 48000000);
	/* revision 4: a precise baud rate overrides the code */
	s = (struct spcr_spec){ .revision = 4, .length = SPCR_REV4_LENGTH,
				.space = GAS_SPACE_MEMORY, .access = 1,
				.address = 0xfedc9000, .baud_code = 7,
				.clock = 48000000, .precise_baud = 1500000 };
	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.uart.baud, 1500000);
	/* zero means "use the code" */
	s.precise_baud = 0;
	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.uart.baud, 115200);
	/* a revision 4 table too short for the field: the code counts */
	s.length = SPCR_MIN_LENGTH;
	s.precise_baud = 1500000;
	assert_int_equal(parse_spec(&s), 0);
	assert_int_equal(info.uart.baud, 115200);
}

static void test_redirection_off(void **state)
{
	struct spcr_spec s = { .space = GAS_SPACE_IO, .address = 0 };

	assert_int_equal(parse_spec(&s), -KEEL_ENOENT);
	assert_non_null(strstr(why, "console redirection is off"));
}

static void test_unsupported(void **state)
{
	/* ARM PL011, ARM SBSA, Intel LPSS: not 16550s Keel drives */
	static const uint8_t types[] = { 0x03, 0x0e, 0x0d, 0x14, 0x02 };
	static const uint8_t fine[] = { SPCR_TYPE_16550_SUBSET,
					SPCR_TYPE_16550_NVIDIA };

	for (size_t i = 0; i < TEST_ARRAY_SIZE(types); i++) {
		struct spcr_spec s = { .type = types[i],
				       .space = GAS_SPACE_MEMORY,
				       .address = 0x9000000 };

		assert_int_equal(parse_spec(&s), -KEEL_ENOSYS);
		assert_non_null(strstr(why, "not a 16550"));
	}
	/* the 16550 subset and the NVIDIA 16550 are fine */
	for (size_t i = 0; i < TEST_ARRAY_SIZE(fine); i++) {
		struct spcr_spec s = { .type = fine[i], .space = GAS_SPACE_IO,
				       .address = 0x3f8 };

		assert_int_equal(parse_spec(&s), 0);
	}
	{
		/* PCI configuration space, SMBus, ... */
		struct spcr_spec s = { .space = 2, .address = 0x3f8 };

		assert_int_equal(parse_spec(&s), -KEEL_ENOSYS);
		assert_non_null(strstr(why, "address space"));
		s = (struct spcr_spec){ .space = GAS_SPACE_MEMORY,
					.access = 4, .address = 0x1000 };
		assert_int_equal(parse_spec(&s), -KEEL_ENOSYS);
		assert_non_null(strstr(why, "64-bit"));
	}
}

static void test_malformed(void **state)
{
	struct spcr_spec s = { .space = GAS_SPACE_IO, .address = 0x3f8 };
	size_t len = build(&s);

	/* shorter than the fixed part, in the buffer or in the header */
	assert_int_equal(spcr_parse(table, SPCR_MIN_LENGTH - 1, &info, &why),
			 -KEEL_EINVAL);
	assert_non_null(strstr(why, "shorter"));
	assert_int_equal(spcr_parse(table, 0, &info, &why), -KEEL_EINVAL);
	put32(4, SPCR_MIN_LENGTH - 1);
	assert_int_equal(spcr_parse(table, len, &info, &why), -KEEL_EINVAL);
	assert_non_null(strstr(why, "length"));
	/* longer than what the caller mapped */
	put32(4, SPCR_MIN_LENGTH + 1);
	assert_int_equal(spcr_parse(table, len, &info, &why), -KEEL_EINVAL);
	put32(4, 0xffffffff);
	assert_int_equal(spcr_parse(table, len, &info, &why), -KEEL_EINVAL);
	/* another table */
	build(&s);
	memcpy(table, "APIC", 4);
	assert_int_equal(spcr_parse(table, len, &info, &why), -KEEL_EINVAL);
	assert_non_null(strstr(why, "signature"));
	/* an I/O port whose registers run past 0xffff */
	s.address = 0xfff9;
	assert_int_equal(parse_spec(&s), -KEEL_EINVAL);
	s.address = 0x1000000;
	assert_int_equal(parse_spec(&s), -KEEL_EINVAL);
	s.address = 0xfff8;
	assert_int_equal(parse_spec(&s), 0);
	/* memory beyond what x86-64 can address */
	s = (struct spcr_spec){ .space = GAS_SPACE_MEMORY, .access = 1,
				.address = 1ULL << 52 };
	assert_int_equal(parse_spec(&s), -KEEL_EINVAL);
	/* why may be NULL */
	assert_int_equal(spcr_parse(table, 10, &info, NULL), -KEEL_EINVAL);
}

static void test_every_truncation(void **state)
{
	/* every shorter buffer is refused, none is read past its end */
	struct spcr_spec s = { .revision = 4, .length = SPCR_REV4_LENGTH,
			       .space = GAS_SPACE_IO, .address = 0x3f8 };
	size_t len = build(&s);

	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		memcpy(copy, table, n);
		assert_int_equal(spcr_parse(copy, n, &info, &why),
				 -KEEL_EINVAL);
		free(copy);
	}
}

/* ----------------------------------------------------------- serial_select */

static struct serial_choice choice;

static void select_with(const struct config_console *cfg,
			const struct spcr_spec *spec)
{
	static struct spcr_info parsed;
	struct serial_spcr found = { 0 };

	if (spec) {
		size_t len = build(spec);

		found.spcr = &parsed;
		found.status = spcr_parse(table, len, &parsed, &found.why);
	}
	memset(&choice, 0xa5, sizeof(choice));
	serial_select(cfg, &found, &choice);
}

static const char *describe(void)
{
	static char buf[256];

	serial_describe(&choice, buf, sizeof(buf));
	return buf;
}

static void test_default_is_com1(void **state)
{
	struct config_console cfg = { .kind = CONFIG_CONSOLE_AUTO };

	select_with(&cfg, NULL);
	assert_int_equal(choice.source, SERIAL_FROM_DEFAULT);
	assert_int_equal(choice.uart.space, UART_IO);
	assert_int_equal(choice.uart.address, UART_COM1_PORT);
	assert_int_equal(choice.uart.baud, 115200);
	assert_null(choice.spcr_note);
	assert_string_equal(describe(), "16550 at I/O port 0x3f8 (COM1), "
			    "115200 baud (default; no ACPI SPCR table)");
	/* keel.cfg that did not parse counts as no console line */
	select_with(NULL, NULL);
	assert_int_equal(choice.source, SERIAL_FROM_DEFAULT);
	assert_int_equal(choice.uart.address, UART_COM1_PORT);
}

static void test_spcr_used_by_default(void **state)
{
	struct config_console cfg = { .kind = CONFIG_CONSOLE_AUTO };
	struct spcr_spec s = { .space = GAS_SPACE_IO, .address = 0x2f8,
			       .baud_code = 6 };

	select_with(&cfg, &s);
	assert_int_equal(choice.source, SERIAL_FROM_SPCR);
	assert_int_equal(choice.uart.address, 0x2f8);
	assert_int_equal(choice.uart.baud, 57600);
	assert_string_equal(describe(), "16550 at I/O port 0x2f8 (COM2), "
			    "57600 baud (ACPI SPCR table)");
	/* explicitly asked for: the same */
	cfg.kind = CONFIG_CONSOLE_SPCR;
	select_with(&cfg, &s);
	assert_int_equal(choice.source, SERIAL_FROM_SPCR);
	/* with a baud rate of its own */
	cfg.baud = 9600;
	select_with(&cfg, &s);
	assert_int_equal(choice.uart.baud, 9600);
}

static void test_spcr_unusable_falls_back(void **state)
{
	struct config_console cfg = { .kind = CONFIG_CONSOLE_AUTO };
	struct spcr_spec off = { .space = GAS_SPACE_IO, .address = 0 };
	struct spcr_spec pl011 = { .type = 0x03, .space = GAS_SPACE_MEMORY,
				   .address = 0x9000000 };

	select_with(&cfg, &off);
	assert_int_equal(choice.source, SERIAL_FROM_DEFAULT);
	assert_int_equal(choice.uart.address, UART_COM1_PORT);
	assert_non_null(strstr(describe(), "(default; the ACPI SPCR table "
			       "says console redirection is off"));
	select_with(&cfg, &pl011);
	assert_int_equal(choice.uart.address, UART_COM1_PORT);
	assert_non_null(strstr(describe(), "not a 16550"));
	/* asked for, but there is none */
	cfg.kind = CONFIG_CONSOLE_SPCR;
	select_with(&cfg, NULL);
	assert_int_equal(choice.uart.address, UART_COM1_PORT);
	assert_non_null(strstr(describe(), "the ACPI SPCR table is missing"));
}

static void test_config_wins(void **state)
{
	struct spcr_spec s = { .space = GAS_SPACE_IO, .address = 0x2f8,
			       .baud_code = 7 };
	struct config_console io = { .kind = CONFIG_CONSOLE_IO,
				     .address = 0x3e8, .baud = 38400 };
	struct config_console mmio = { .kind = CONFIG_CONSOLE_MMIO,
				       .address = 0xfe030000, .width = 4 };
	struct config_console pci = { .kind = CONFIG_CONSOLE_PCI,
				      .pci_bus = 2, .pci_dev = 0,
				      .pci_func = 1 };
	struct config_console none = { .kind = CONFIG_CONSOLE_NONE };

	select_with(&io, &s);
	assert_int_equal(choice.source, SERIAL_FROM_CONFIG);
	assert_int_equal(choice.uart.space, UART_IO);
	assert_int_equal(choice.uart.address, 0x3e8);
	assert_int_equal(choice.uart.baud, 38400);
	assert_null(choice.spcr_note);
	assert_string_equal(describe(), "16550 at I/O port 0x3e8 (COM3), "
			    "38400 baud (keel.cfg)");

	select_with(&mmio, &s);
	assert_int_equal(choice.uart.space, UART_MMIO);
	assert_int_equal(choice.uart.address, 0xfe030000);
	assert_int_equal(choice.uart.reg_width, 4);
	assert_int_equal(choice.uart.baud, 115200);
	assert_string_equal(describe(), "16550 at MMIO 0xfe030000, 32-bit "
			    "registers, 115200 baud (keel.cfg)");
	mmio.width = 0;
	select_with(&mmio, NULL);
	assert_int_equal(choice.uart.reg_width, 1);

	select_with(&pci, &s);
	assert_int_equal(choice.uart.space, UART_PCI_BAR);
	assert_true(choice.uart.pci.present);
	assert_int_equal(choice.uart.pci.bus, 2);
	assert_int_equal(choice.uart.pci.func, 1);
	assert_int_equal(choice.uart.pci.vendor, UART_PCI_NONE);
	assert_string_equal(describe(), "16550 in BAR 0 of PCI 02:00.1, "
			    "115200 baud (keel.cfg)");

	select_with(&none, &s);
	assert_int_equal(choice.uart.space, UART_NONE);
	assert_string_equal(describe(), "none (keel.cfg)");
}

static void test_describe_spcr_details(void **state)
{
	struct config_console cfg = { .kind = CONFIG_CONSOLE_AUTO };
	struct spcr_spec s = { .revision = 3, .type = SPCR_TYPE_16550_GAS,
			       .space = GAS_SPACE_MEMORY, .access = 3,
			       .address = 0x4010000000ULL, .baud_code = 0,
			       .clock = 48000000, .pci_vendor = 0x8086,
			       .pci_device = 0x9de8, .pci_bus = 0,
			       .pci_dev = 0x1e, .pci_func = 0 };
	char small[16];

	select_with(&cfg, &s);
	assert_string_equal(describe(), "16550 at MMIO 0x4010000000 of PCI "
			    "00:1e.0 [8086:9de8], 32-bit registers, baud rate "
			    "as the firmware set it, 48000000 Hz clock (ACPI "
			    "SPCR table)");
	/* cut short, NUL-terminated, the full length returned */
	assert_int_equal(serial_describe(&choice, small, sizeof(small)),
			 (int)strlen(describe()));
	assert_string_equal(small, "16550 at MMIO 0");
	assert_int_equal(serial_describe(&choice, NULL, 0),
			 (int)strlen(describe()));
}

/* Firmware tables in host memory: an RSDP, an XSDT and the SPCR table. */
static void test_select_from_acpi_tables(void **state)
{
	static uint8_t rsdp[36], xsdt[36 + 8];
	struct spcr_spec s = { .space = GAS_SPACE_IO, .address = 0x2e8,
			       .baud_code = 4 };
	struct config_console cfg = { .kind = CONFIG_CONSOLE_AUTO };
	uint64_t pa = (uint64_t)(uintptr_t)table;
	uint8_t sum = 0;

	build(&s);
	memcpy(xsdt, "XSDT", 4);
	put32_at(xsdt, 4, sizeof(xsdt));
	xsdt[8] = 1;
	memcpy(xsdt + 36, &pa, sizeof(pa));
	for (size_t i = 0; i < sizeof(xsdt); i++)
		sum += xsdt[i];
	xsdt[9] = (uint8_t)-sum;
	memcpy(rsdp, "RSD PTR ", 8);
	rsdp[15] = 2;				/* ACPI 2.0+: use the XSDT */
	pa = (uint64_t)(uintptr_t)xsdt;
	memcpy(rsdp + 24, &pa, sizeof(pa));
	sum = 0;
	for (size_t i = 0; i < 20; i++)
		sum += rsdp[i];
	rsdp[8] = (uint8_t)-sum;

	serial_select_acpi((uint64_t)(uintptr_t)rsdp, &cfg, &choice);
	assert_int_equal(choice.source, SERIAL_FROM_SPCR);
	assert_int_equal(choice.uart.address, 0x2e8);
	assert_int_equal(choice.uart.baud, 19200);
	/* a table with a bad checksum is not found: the default */
	table[9]++;
	serial_select_acpi((uint64_t)(uintptr_t)rsdp, &cfg, &choice);
	assert_int_equal(choice.source, SERIAL_FROM_DEFAULT);
	assert_null(choice.spcr_note);
	/* no ACPI at all */
	serial_select_acpi(0, &cfg, &choice);
	assert_int_equal(choice.source, SERIAL_FROM_DEFAULT);
	assert_int_equal(choice.uart.address, UART_COM1_PORT);
}

/* ------------------------------------------------------------ uart_divisor */

static void test_divisor(void **state)
{
	assert_int_equal(uart_divisor(0, 115200), 1);
	assert_int_equal(uart_divisor(UART_CLOCK_HZ, 115200), 1);
	assert_int_equal(uart_divisor(0, 57600), 2);
	assert_int_equal(uart_divisor(0, 9600), 12);
	assert_int_equal(uart_divisor(0, 300), 384);
	/* rounded to the nearest rate */
	assert_int_equal(uart_divisor(48000000, 115200), 26);
	assert_int_equal(uart_divisor(48000000, 1500000), 2);
	/* clamped to what the latch holds */
	assert_int_equal(uart_divisor(0, 1000000), 1);
	assert_int_equal(uart_divisor(0xffffffff, 1), 0xffff);
	assert_int_equal(uart_divisor(0, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_com1_io),
		cmocka_unit_test(test_baud_codes),
		cmocka_unit_test(test_mmio_widths),
		cmocka_unit_test(test_io_ignores_width),
		cmocka_unit_test(test_pci_card),
		cmocka_unit_test(test_not_pci),
		cmocka_unit_test(test_revision_fields),
		cmocka_unit_test(test_redirection_off),
		cmocka_unit_test(test_unsupported),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_default_is_com1),
		cmocka_unit_test(test_spcr_used_by_default),
		cmocka_unit_test(test_spcr_unusable_falls_back),
		cmocka_unit_test(test_config_wins),
		cmocka_unit_test(test_describe_spcr_details),
		cmocka_unit_test(test_select_from_acpi_tables),
		cmocka_unit_test(test_divisor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * core/dev/acpi_tables.c: the tables are built into a buffer standing
 * for guest memory at ACPI_TABLES_GPA and read back as an OS would: the
 * RSDP found by the legacy scan, its checksums, XSDT and RSDT to every
 * table, each table's signature, length and checksum, the FADT's fixed
 * hardware (PM1a, the 32-bit PM timer, reset), the DSDT's \_S5, the
 * MADT's entries (also through the hypervisor's own MADT parser,
 * drivers/acpi.c) for 1 and 8 vCPUs.
 * Where iasl (Debian acpica-tools) is installed, it disassembles the
 * tables too, as an extra check; without it that part is skipped.
 */
#define _DEFAULT_SOURCE	/* mkdtemp */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

#include <core/dev/acpi_tables.h>
#include <drivers/acpi.h>

#define AREA (ACPI_TABLES_END - ACPI_TABLES_GPA)

/* The reserved 64 KiB as the guest sees it. */
static uint8_t area[AREA] __attribute__((aligned(64)));

static size_t build(unsigned int vcpus)
{
	size_t n;

	memset(area, 0xee, sizeof(area));	/* no accidental zeros */
	n = acpi_tables_build(area, ACPI_TABLES_MAX, ACPI_TABLES_GPA, vcpus);
	assert_true(n > 0 && n <= ACPI_TABLES_MAX);
	return n;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	for (size_t i = 0; i < len; i++)
		s += p[i];
	return s;
}

static uint32_t u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t u16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t u64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* A guest-physical address inside the area, as a pointer into it. */
static const uint8_t *at(uint64_t gpa)
{
	assert_true(gpa >= ACPI_TABLES_GPA && gpa < ACPI_TABLES_END);
	return area + (gpa - ACPI_TABLES_GPA);
}

/* A table at gpa: signature, a length inside the area, checksum 0. */
static const uint8_t *table(uint64_t gpa, const char *sig)
{
	const uint8_t *t = at(gpa);
	uint32_t len = u32(t + 4);

	assert_memory_equal(t, sig, 4);
	assert_true(len >= 36 && gpa + len <= ACPI_TABLES_END);
	assert_int_equal(sum(t, len), 0);
	assert_memory_equal(t + 10, "KEEL  ", 6);
	return t;
}

/* The legacy scan: "RSD PTR " on a 16-byte boundary, 0xe0000-0xfffff. */
static const uint8_t *find_rsdp(void)
{
	for (size_t off = 0; off + 36 <= sizeof(area); off += 16)
		if (!memcmp(area + off, "RSD PTR ", 8))
			return area + off;
	return NULL;
}

static const uint8_t *rsdp_checked(void)
{
	const uint8_t *r = find_rsdp();

	assert_non_null(r);
	assert_ptr_equal(r, area);		/* at 0xe0000 */
	assert_int_equal(sum(r, 20), 0);	/* ACPI 1.0 part */
	assert_int_equal(r[15], 2);		/* revision: 2.0+ */
	assert_int_equal(u32(r + 20), 36);	/* length */
	assert_int_equal(sum(r, 36), 0);	/* extended checksum */
	return r;
}

/* The root's entries, 8 or 4 bytes each; the signatures found, in order. */
static unsigned int root_entries(const uint8_t *root, size_t entry_size,
				 uint64_t *out, unsigned int max)
{
	uint32_t len = u32(root + 4);
	unsigned int n = 0;

	assert_int_equal((len - 36) % entry_size, 0);
	for (size_t off = 36; off < len && n < max; off += entry_size)
		out[n++] = entry_size == 8 ? u64(root + off) : u32(root + off);
	return n;
}

static const uint8_t *find_in_xsdt(const char *sig)
{
	const uint8_t *r = rsdp_checked();
	const uint8_t *x = table(u64(r + 24), "XSDT");
	uint64_t e[8];
	unsigned int n = root_entries(x, 8, e, 8);

	for (unsigned int i = 0; i < n; i++)
		if (!memcmp(at(e[i]), sig, 4))
			return table(e[i], sig);
	fail_msg("%s is not in the XSDT", sig);
	return NULL;
}

static void test_rsdp_and_roots(void **state)
{
	const uint8_t *r, *x, *rs;
	uint64_t xe[8], re[8];
	unsigned int nx, nr;

	build(1);
	r = rsdp_checked();
	x = table(u64(r + 24), "XSDT");
	rs = table(u32(r + 16), "RSDT");
	nx = root_entries(x, 8, xe, 8);
	nr = root_entries(rs, 4, re, 8);
	/* both roots list the same tables: FADT, MADT */
	assert_int_equal(nx, 2);
	assert_int_equal(nr, 2);
	for (unsigned int i = 0; i < nx; i++) {
		assert_int_equal(xe[i], re[i]);
		assert_true(xe[i] % 8 == 0);
	}
	table(xe[0], "FACP");
	table(xe[1], "APIC");
}

static void test_fadt(void **state)
{
	const uint8_t *f, *facs;

	build(2);
	f = find_in_xsdt("FACP");
	assert_int_equal(u32(f + 4), 276);
	assert_int_equal(f[8], 6);			/* revision */
	/* FIRMWARE_CTRL -> FACS: 64-aligned, 64 bytes, no checksum */
	assert_int_equal(u32(f + 36) % 64, 0);
	facs = at(u32(f + 36));
	assert_memory_equal(facs, "FACS", 4);
	assert_int_equal(u32(facs + 4), 64);
	assert_int_equal(u64(f + 132), 0);		/* X_FIRMWARE_CTRL */
	/* DSDT and X_DSDT agree */
	assert_int_equal(u32(f + 40), u64(f + 140));
	table(u32(f + 40), "DSDT");
	assert_int_equal(u16(f + 46), 9);		/* SCI_INT */
	assert_int_equal(u32(f + 48), 0);		/* SMI_CMD: ACPI only */
	assert_int_equal(u32(f + 56), 0x600);		/* PM1a_EVT_BLK */
	assert_int_equal(u32(f + 64), 0x604);		/* PM1a_CNT_BLK */
	assert_int_equal(u32(f + 60) | u32(f + 68), 0);	/* no PM1b */
	assert_int_equal(u32(f + 76), 0x608);		/* PM_TMR_BLK */
	assert_int_equal(f[88], 4);			/* PM1_EVT_LEN */
	assert_int_equal(f[89], 2);			/* PM1_CNT_LEN */
	assert_int_equal(f[91], 4);			/* PM_TMR_LEN */
	assert_true(u16(f + 96) > 100 && u16(f + 98) > 1000);	/* no C2/C3 */
	/* IAPC_BOOT_ARCH: no 8042 (port 0x64 only resets), RTC present */
	assert_int_equal(u16(f + 109) & (1u << 1), 0);
	assert_int_equal(u16(f + 109) & (1u << 5), 0);
	/* flags: RESET_REG_SUP, TMR_VAL_EXT, not HW_REDUCED_ACPI */
	assert_true(u32(f + 112) & (1u << 10));
	assert_true(u32(f + 112) & (1u << 8));
	assert_int_equal(u32(f + 112) & (1u << 20), 0);
	/* RESET_REG: system I/O, 8 bits, byte access, port 0xcf9; value 6 */
	assert_int_equal(f[116], 1);
	assert_int_equal(f[117], 8);
	assert_int_equal(f[119], 1);
	assert_int_equal(u64(f + 120), 0xcf9);
	assert_int_equal(f[128], 6);
	/* X_PM1a_EVT_BLK and X_PM1a_CNT_BLK: the same ports, in bits */
	assert_int_equal(f[148], 1);
	assert_int_equal(f[149], 32);
	assert_int_equal(u64(f + 152), 0x600);
	assert_int_equal(f[172], 1);
	assert_int_equal(f[173], 16);
	assert_int_equal(u64(f + 176), 0x604);
	/* X_PM_TMR_BLK: system I/O, 32 bits, dword access, port 0x608 */
	assert_int_equal(f[208], 1);
	assert_int_equal(f[209], 32);
	assert_int_equal(f[210], 0);
	assert_int_equal(f[211], 3);
	assert_int_equal(u64(f + 208 + 4), 0x608);
}

static void test_dsdt_s5(void **state)
{
	static const uint8_t s5[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12,
				      0x08, 0x04, 0x0a, 5, 0x0a, 5, 0, 0 };
	const uint8_t *f, *d;

	build(1);
	f = find_in_xsdt("FACP");
	d = table(u64(f + 140), "DSDT");
	assert_int_equal(d[8], 2);			/* 64-bit AML integers */
	assert_int_equal(u32(d + 4), 36 + sizeof(s5));
	assert_memory_equal(d + 36, s5, sizeof(s5));
}

static void check_madt(unsigned int vcpus)
{
	const uint8_t *m, *e, *end;
	unsigned int lapics = 0, ioapics = 0, overrides = 0;
	struct madt_info info;

	build(vcpus);
	m = find_in_xsdt("APIC");
	assert_int_equal(u32(m + 36), 0xfee00000);
	assert_int_equal(u32(m + 40), 1);		/* PCAT_COMPAT */
	end = m + u32(m + 4);
	for (e = m + 44; e < end; e += e[1]) {
		assert_true(e[1] >= 2 && e + e[1] <= end);
		switch (e[0]) {
		case 0:
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], lapics);	/* processor UID */
			assert_int_equal(e[3], lapics);	/* APIC ID */
			assert_int_equal(u32(e + 4), 1);	/* enabled */
			lapics++;
			break;
		case 1:
			assert_int_equal(e[1], 12);
			assert_int_equal(e[2], vcpus);	/* I/O APIC ID */
			assert_int_equal(u32(e + 4), 0xfec00000);
			assert_int_equal(u32(e + 8), 0);	/* GSI base */
			ioapics++;
			break;
		case 2:
			assert_int_equal(e[1], 10);
			assert_int_equal(e[2], 0);		/* ISA */
			assert_int_equal(e[3], 0);		/* IRQ 0 */
			assert_int_equal(u32(e + 4), 2);	/* GSI 2 */
			assert_int_equal(u16(e + 8), 0);	/* conforms */
			overrides++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
	}
	assert_ptr_equal(e, end);
	assert_int_equal(lapics, vcpus);
	assert_int_equal(ioapics, 1);
	assert_int_equal(overrides, 1);

	/* the hypervisor's own reader of a host MADT agrees */
	assert_int_equal(madt_parse(m, u32(m + 4), &info), 0);
	assert_int_equal(info.lapic_base, 0xfee00000);
	assert_int_equal(info.cpu_count, vcpus);
	for (unsigned int i = 0; i < vcpus; i++)
		assert_int_equal(info.apic_ids[i], i);
}

static void test_madt_1_vcpu(void **state)
{
	check_madt(1);
}

static void test_madt_8_vcpus(void **state)
{
	check_madt(8);
}

static void test_refusals(void **state)
{
	uint8_t small[256];

	assert_int_equal(acpi_tables_build(area, sizeof(area),
					   ACPI_TABLES_GPA, 0), 0);
	assert_int_equal(acpi_tables_build(area, sizeof(area),
					   ACPI_TABLES_GPA, 256), 0);
	assert_int_equal(acpi_tables_build(small, sizeof(small),
					   ACPI_TABLES_GPA, 1), 0);
	assert_int_equal(acpi_tables_build(area, sizeof(area),
					   ACPI_TABLES_GPA + 16, 1), 0);
	assert_int_equal(acpi_tables_build(area, sizeof(area),
					   0xffffff00ull, 8), 0);
	/* 255 vCPUs still fit the reserved area, if not ACPI_TABLES_MAX */
	assert_true(acpi_tables_build(area, sizeof(area), ACPI_TABLES_GPA,
				      255) > ACPI_TABLES_MAX);
}

/* iasl -d on one table written to dir; its .dsl must name want. */
static void iasl_check(const char *dir, const uint8_t *t, const char *name,
		       const char *want)
{
	char path[256], cmd[768], line[512];
	bool found = false, error = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(t, 1, u32(t + 4), f), u32(t + 4));
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cd %s && iasl -d %s.dat >%s.log 2>&1",
		 dir, name, name);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/%s.dsl", dir, name);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, want))
			found = true;
		/* iasl marks a bad checksum or length in the listing */
		if (strstr(line, "Incorrect") || strstr(line, "Invalid"))
			error = true;
	}
	fclose(f);
	if (!found || error)
		fail_msg("iasl -d %s: %s%s", name, found ? "" : "missing ",
			 found ? "flagged an error" : want);
}

static void test_iasl_disassembles(void **state)
{
	char dir[] = "/tmp/keel-acpi-XXXXXX", cmd[64];
	const uint8_t *f;

	if (system("command -v iasl >/dev/null 2>&1"))
		skip();
	build(4);
	assert_non_null(mkdtemp(dir));
	f = find_in_xsdt("FACP");
	iasl_check(dir, table(u64(f + 140), "DSDT"), "dsdt", "_S5");
	iasl_check(dir, f, "facp", "Reset Register");
	iasl_check(dir, find_in_xsdt("APIC"), "apic", "Interrupt Source Override");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsdp_and_roots),
		cmocka_unit_test(test_fadt),
		cmocka_unit_test(test_dsdt_s5),
		cmocka_unit_test(test_madt_1_vcpu),
		cmocka_unit_test(test_madt_8_vcpus),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_iasl_disassembles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

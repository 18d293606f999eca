// SPDX-License-Identifier: MIT
/*
 * A VM's ACPI tables (include/core/dev/acpi_tables.h), ACPI 6.5 chapter 5.
 * They describe the PC of docs/guests.md: one local APIC per vCPU, the
 * I/O APIC, the PIT's IRQ 0 -> GSI 2 override, the 8259 pair present
 * (PCAT_COMPAT), the PM1a event and control blocks with the SCI on IRQ 9,
 * the 32-bit PM timer, the reset register, and a DSDT with nothing but
 * \_S5. ACPI is always on (no SMI_CMD): an OS finds SCI_EN set and never
 * switches modes.
 *
 * Order in the area: RSDP, XSDT, RSDT, FADT, FACS, DSDT, MADT. The RSDP
 * is ACPI 2.0+ (revision 2) and names both roots: the XSDT for today's
 * OSes, the RSDT for readers of ACPI 1.0 (both list FADT and MADT).
 */
#include <core/dev/acpi_tables.h>
#include <drivers/acpi_layout.h>
#include <lib/string.h>

#define RSDP_V1_LENGTH  20	/* the part the first checksum covers */
#define RSDP_REVISION   2
#define FADT_REVISION   6	/* ACPI 6.0's layout, 276 bytes */
#define FADT_MINOR      0
#define DSDT_REVISION   2	/* 64-bit integers in AML */
#define MADT_REVISION   5
#define RSDT_REVISION   1
#define XSDT_REVISION   1
#define FACS_VERSION    2
#define OEM_ID          "KEEL  "
#define OEM_TABLE_ID    "KEELVM  "
#define OEM_REVISION    1
#define CREATOR_ID      "KEEL"
#define CREATOR_REVISION 1
#define TABLE_ALIGN     16
#define FACS_ALIGN      64	/* ACPI 5.2.10: 64-byte aligned */
#define MAX_VCPUS       255	/* 8-bit APIC IDs; the I/O APIC is ID n */

/* Generic Address Structure (5.2.3.2) */
#define GAS_SYSTEM_IO   1
#define GAS_ACCESS_BYTE 1
#define GAS_ACCESS_WORD 2
#define GAS_ACCESS_DWORD 3

/* FADT fields (5.2.9) */
#define PM_PROFILE_UNSPECIFIED 0
#define C2_NOT_SUPPORTED  101	/* P_LVL2_LAT > 100 */
#define C3_NOT_SUPPORTED  1001	/* P_LVL3_LAT > 1000 */
/* IAPC_BOOT_ARCH (table 5.11) */
#define BOOT_LEGACY_DEVICES (1u << 0)	/* PIT, RTC, COM1 on "ISA" */
#define BOOT_8042           (1u << 1)	/* clear: no keyboard controller */
#define BOOT_NO_VGA         (1u << 2)
#define BOOT_NO_MSI         (1u << 3)	/* there is no PCI */
/* Fixed feature flags (table 5.10) */
#define FADT_WBINVD        (1u << 0)
#define FADT_PROC_C1       (1u << 2)
#define FADT_PWR_BUTTON    (1u << 4)	/* set: no fixed power button */
#define FADT_SLP_BUTTON    (1u << 5)	/* set: no fixed sleep button */
#define FADT_TMR_VAL_EXT   (1u << 8)	/* the PM timer has 32 bits */
#define FADT_RESET_REG_SUP (1u << 10)

/* MADT (5.2.12) */
#define MADT_PCAT_COMPAT    (1u << 0)
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_OVERRIDE       2
#define MADT_LAPIC_LEN      8
#define MADT_IOAPIC_LEN     12
#define MADT_OVERRIDE_LEN   10
#define MADT_LAPIC_ENABLED  (1u << 0)
#define ISA_BUS             0
#define ISA_IRQ_PIT         0
#define MPS_INTI_CONFORMS   0	/* polarity and trigger as the bus says */

struct __attribute__((packed)) acpi_gas {
	uint8_t space_id;
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
};
_Static_assert(sizeof(struct acpi_gas) == 12, "ACPI 5.2.3.2");

struct __attribute__((packed)) acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	uint64_t hypervisor_id;
};
_Static_assert(sizeof(struct acpi_fadt) == 276, "ACPI 6.0 table 5.9");
_Static_assert(__builtin_offsetof(struct acpi_fadt, flags) == 112 &&
	       __builtin_offsetof(struct acpi_fadt, reset_reg) == 116 &&
	       __builtin_offsetof(struct acpi_fadt, x_dsdt) == 140 &&
	       __builtin_offsetof(struct acpi_fadt, x_pm1a_evt_blk) == 148 &&
	       __builtin_offsetof(struct acpi_fadt, hypervisor_id) == 268,
	       "ACPI table 5.9 offsets");

struct __attribute__((packed)) acpi_facs {
	char signature[4];
	uint32_t length;
	uint32_t hardware_signature;
	uint32_t firmware_waking_vector;
	uint32_t global_lock;
	uint32_t flags;
	uint64_t x_firmware_waking_vector;
	uint8_t version;
	uint8_t reserved0[3];
	uint32_t ospm_flags;
	uint8_t reserved1[24];
};
_Static_assert(sizeof(struct acpi_facs) == 64, "ACPI 5.2.10");

/*
 * The DSDT's AML (ACPI 6.5 chapter 20), after its header:
 *   Name (\_S5, Package (4) { 5, 5, 0, 0 })
 * NameOp, the root prefix and NameSeg "_S5_", then PackageOp with its
 * PkgLength (one byte: itself, NumElements and the four elements),
 * NumElements 4, two BytePrefix constants and two ZeroOps. \_S5's first
 * two values are PM1a's and PM1b's SLP_TYP for the soft-off state.
 */
#define AML_NAME_OP     0x08
#define AML_ROOT_CHAR   0x5c
#define AML_PACKAGE_OP  0x12
#define AML_BYTE_PREFIX 0x0a
#define AML_ZERO_OP     0x00
static const uint8_t dsdt_aml[] = {
	AML_NAME_OP, AML_ROOT_CHAR, '_', 'S', '5', '_',
	AML_PACKAGE_OP, 8, 4,
	AML_BYTE_PREFIX, ACPI_SLP_TYP_S5,
	AML_BYTE_PREFIX, ACPI_SLP_TYP_S5,
	AML_ZERO_OP, AML_ZERO_OP,
};
_Static_assert(sizeof(dsdt_aml) - 6 - 1 == 8, "the package's PkgLength");

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return (uint8_t)-sum;
}

static void header(void *at, const char *sig, uint32_t len, uint8_t rev)
{
	struct acpi_header *h = at;

	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = OEM_REVISION;
	memcpy(h->creator_id, CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = CREATOR_REVISION;
}

/* Last, once the table's bytes are all written. */
static void seal(void *at)
{
	struct acpi_header *h = at;

	h->checksum = 0;
	h->checksum = checksum(h, h->length);
}

static struct acpi_gas io_gas(uint16_t port, uint8_t bytes, uint8_t access)
{
	return (struct acpi_gas){ .space_id = GAS_SYSTEM_IO,
				  .bit_width = (uint8_t)(bytes * 8),
				  .access_size = access, .address = port };
}

/* Where each table goes: offsets from base, in the order written. */
struct layout {
	size_t xsdt, rsdt, fadt, facs, dsdt, madt, end;
};

static size_t madt_length(unsigned int vcpus)
{
	return sizeof(struct acpi_madt) + vcpus * MADT_LAPIC_LEN +
	       MADT_IOAPIC_LEN + MADT_OVERRIDE_LEN;
}

#define ROOT_ENTRIES 2	/* FADT, MADT */
#define XSDT_LENGTH (sizeof(struct acpi_header) + ROOT_ENTRIES * 8)
#define RSDT_LENGTH (sizeof(struct acpi_header) + ROOT_ENTRIES * 4)
#define DSDT_LENGTH (sizeof(struct acpi_header) + sizeof(dsdt_aml))

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static struct layout plan(unsigned int vcpus)
{
	struct layout l;

	l.xsdt = align_up(sizeof(struct acpi_rsdp), TABLE_ALIGN);
	l.rsdt = align_up(l.xsdt + XSDT_LENGTH, TABLE_ALIGN);
	l.fadt = align_up(l.rsdt + RSDT_LENGTH, TABLE_ALIGN);
	l.facs = align_up(l.fadt + sizeof(struct acpi_fadt), FACS_ALIGN);
	l.dsdt = align_up(l.facs + sizeof(struct acpi_facs), TABLE_ALIGN);
	l.madt = align_up(l.dsdt + DSDT_LENGTH, TABLE_ALIGN);
	l.end = l.madt + madt_length(vcpus);
	return l;
}

static void write_rsdp(uint8_t *buf, uint64_t base, const struct layout *l)
{
	struct acpi_rsdp *r = (void *)buf;

	memcpy(r->signature, "RSD PTR ", sizeof(r->signature));
	memcpy(r->oem_id, OEM_ID, sizeof(r->oem_id));
	r->revision = RSDP_REVISION;
	r->rsdt = (uint32_t)(base + l->rsdt);
	r->length = sizeof(*r);
	r->xsdt = base + l->xsdt;
	r->checksum = checksum(r, RSDP_V1_LENGTH);
	r->ext_checksum = checksum(r, sizeof(*r));
}

/* The XSDT (8-byte entries) or the RSDT (4-byte entries). */
static void write_root(uint8_t *at, const char *sig, size_t entry_size,
		       uint64_t base, const struct layout *l)
{
	const uint64_t entries[ROOT_ENTRIES] = { base + l->fadt, base + l->madt };
	size_t len = sizeof(struct acpi_header) + ROOT_ENTRIES * entry_size;

	header(at, sig, (uint32_t)len, entry_size == 8 ? XSDT_REVISION :
						     RSDT_REVISION);
	for (size_t i = 0; i < ROOT_ENTRIES; i++)
		memcpy(at + sizeof(struct acpi_header) + i * entry_size,
		       &entries[i], entry_size);	/* little-endian */
	seal(at);
}

static void write_fadt(uint8_t *at, uint64_t base, const struct layout *l)
{
	struct acpi_fadt *f = (void *)at;

	header(f, "FACP", sizeof(*f), FADT_REVISION);
	f->firmware_ctrl = (uint32_t)(base + l->facs);	/* X_: 0, below 4G */
	f->dsdt = (uint32_t)(base + l->dsdt);
	f->x_dsdt = base + l->dsdt;
	f->pm_profile = PM_PROFILE_UNSPECIFIED;
	f->sci_int = ACPI_SCI_IRQ;
	f->smi_cmd = 0;		/* ACPI mode only: nothing to switch */
	f->pm1a_evt_blk = ACPI_PM1A_EVT_PORT;
	f->pm1a_cnt_blk = ACPI_PM1A_CNT_PORT;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->pm_tmr_blk = ACPI_PM_TMR_PORT;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->pm_tmr_len = ACPI_PM_TMR_LEN;
	f->p_lvl2_lat = C2_NOT_SUPPORTED;
	f->p_lvl3_lat = C3_NOT_SUPPORTED;
	/* 0x64 takes only the reset command: no keyboard controller */
	f->iapc_boot_arch = BOOT_LEGACY_DEVICES | BOOT_NO_VGA | BOOT_NO_MSI;
	f->flags = FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON |
		   FADT_SLP_BUTTON | FADT_TMR_VAL_EXT | FADT_RESET_REG_SUP;
	f->reset_reg = io_gas(ACPI_RESET_PORT, 1, GAS_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;
	f->minor_version = FADT_MINOR;
	f->x_pm1a_evt_blk = io_gas(ACPI_PM1A_EVT_PORT, ACPI_PM1_EVT_LEN,
				   GAS_ACCESS_WORD);
	f->x_pm1a_cnt_blk = io_gas(ACPI_PM1A_CNT_PORT, ACPI_PM1_CNT_LEN,
				   GAS_ACCESS_WORD);
	f->x_pm_tmr_blk = io_gas(ACPI_PM_TMR_PORT, ACPI_PM_TMR_LEN,
				 GAS_ACCESS_DWORD);
	seal(f);
}

static void write_facs(uint8_t *at)
{
	struct acpi_facs *f = (void *)at;

	memcpy(f->signature, "FACS", sizeof(f->signature));
	f->length = sizeof(*f);
	f->version = FACS_VERSION;
}

static void write_dsdt(uint8_t *at)
{
	header(at, "DSDT", DSDT_LENGTH, DSDT_REVISION);
	memcpy(at + sizeof(struct acpi_header), dsdt_aml, sizeof(dsdt_aml));
	seal(at);
}

static void write_madt(uint8_t *at, unsigned int vcpus)
{
	struct acpi_madt *m = (void *)at;
	uint8_t *e = at + sizeof(*m);
	uint32_t v32;
	uint16_t v16;

	header(m, "APIC", (uint32_t)madt_length(vcpus), MADT_REVISION);
	m->lapic_addr = ACPI_LAPIC_ADDR;
	m->flags = MADT_PCAT_COMPAT;
	for (unsigned int i = 0; i < vcpus; i++, e += MADT_LAPIC_LEN) {
		e[0] = MADT_LAPIC;
		e[1] = MADT_LAPIC_LEN;
		e[2] = (uint8_t)i;	/* ACPI processor UID */
		e[3] = (uint8_t)i;	/* APIC ID: the vCPU index */
		v32 = MADT_LAPIC_ENABLED;
		memcpy(e + 4, &v32, sizeof(v32));
	}
	e[0] = MADT_IOAPIC;
	e[1] = MADT_IOAPIC_LEN;
	e[2] = (uint8_t)vcpus;		/* its ID follows the local APICs' */
	e[3] = 0;
	v32 = ACPI_IOAPIC_ADDR;
	memcpy(e + 4, &v32, sizeof(v32));
	v32 = 0;			/* GSI base */
	memcpy(e + 8, &v32, sizeof(v32));
	e += MADT_IOAPIC_LEN;
	e[0] = MADT_OVERRIDE;
	e[1] = MADT_OVERRIDE_LEN;
	e[2] = ISA_BUS;
	e[3] = ISA_IRQ_PIT;
	v32 = ACPI_IRQ0_GSI;
	memcpy(e + 4, &v32, sizeof(v32));
	v16 = MPS_INTI_CONFORMS;
	memcpy(e + 8, &v16, sizeof(v16));
	seal(m);
}

size_t acpi_tables_build(uint8_t *buf, size_t size, uint64_t base,
			 unsigned int vcpus)
{
	struct layout l;

	if (vcpus < 1 || vcpus > MAX_VCPUS || base % FACS_ALIGN)
		return 0;
	l = plan(vcpus);
	if (l.end > size || base + l.end > UINT32_MAX)
		return 0;
	memset(buf, 0, l.end);
	write_rsdp(buf, base, &l);
	write_root(buf + l.xsdt, "XSDT", sizeof(uint64_t), base, &l);
	write_root(buf + l.rsdt, "RSDT", sizeof(uint32_t), base, &l);
	write_fadt(buf + l.fadt, base, &l);
	write_facs(buf + l.facs);
	write_dsdt(buf + l.dsdt);
	write_madt(buf + l.madt, vcpus);
	return l.end;
}

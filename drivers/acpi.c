// SPDX-License-Identifier: MIT
/* RSDP/XSDT/RSDT walking and MADT parsing (ACPI 6.5 sections 5.2.5-5.2.12). */
#include <drivers/acpi.h>
#include <drivers/acpi_layout.h>
#include <keel/abi.h>
#include <lib/string.h>

#define MADT_LAPIC         0
#define MADT_IOAPIC        1
#define MADT_ISO           2	/* interrupt source override */
#define MADT_LAPIC_ADDR    5
#define MADT_X2APIC        9
#define MADT_ENABLED       (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)
#define RSDP_V1_LENGTH     20
#define ACPI_MAX_TABLE_LEN (1u << 20)

static uint8_t checksum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

static void madt_add_cpu(struct madt_info *out, uint32_t apic_id, uint32_t flags)
{
	if (!(flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
		return;
	for (unsigned int i = 0; i < out->cpu_count; i++)
		if (out->apic_ids[i] == apic_id)
			return;	/* listed as both LAPIC and x2APIC */
	if (out->cpu_count == ACPI_MAX_CPUS) {
		out->cpus_skipped++;
		return;
	}
	out->apic_ids[out->cpu_count++] = apic_id;
}

int madt_parse(const void *table, size_t len, struct madt_info *out)
{
	const struct acpi_madt *m = table;
	const uint8_t *p, *end;

	memset(out, 0, sizeof(*out));
	if (len < sizeof(*m) || m->h.length < sizeof(*m) || m->h.length > len)
		return -KEEL_EINVAL;
	out->lapic_base = m->lapic_addr;
	for (unsigned int i = 0; i < ACPI_ISA_IRQS; i++)
		out->isa_gsi[i] = i;
	p = (const uint8_t *)table + sizeof(*m);
	end = (const uint8_t *)table + m->h.length;
	while (p + 2 <= end) {
		uint8_t type = p[0], elen = p[1];

		if (elen < 2 || p + elen > end)
			return -KEEL_EINVAL;
		if (type == MADT_LAPIC && elen >= 8) {
			uint32_t flags;

			memcpy(&flags, p + 4, sizeof(flags));
			madt_add_cpu(out, p[3], flags);
		} else if (type == MADT_X2APIC && elen >= 16) {
			uint32_t id, flags;

			memcpy(&id, p + 4, sizeof(id));
			memcpy(&flags, p + 8, sizeof(flags));
			madt_add_cpu(out, id, flags);
		} else if (type == MADT_IOAPIC && elen >= 12) {
			uint32_t addr, gsi_base;

			memcpy(&addr, p + 4, sizeof(addr));
			memcpy(&gsi_base, p + 8, sizeof(gsi_base));
			if (gsi_base == 0)
				out->ioapic_base = addr;
		} else if (type == MADT_ISO && elen >= 10 && p[2] == 0 &&
			   p[3] < ACPI_ISA_IRQS) {
			/* bus 0 is ISA (ACPI 6.5 5.2.12.5) */
			memcpy(&out->isa_gsi[p[3]], p + 4, sizeof(uint32_t));
			memcpy(&out->isa_flags[p[3]], p + 8, sizeof(uint16_t));
		} else if (type == MADT_LAPIC_ADDR && elen >= 12) {
			memcpy(&out->lapic_base, p + 4, sizeof(uint64_t));
		}
		p += elen;
	}
	return 0;
}

static const struct acpi_header *valid_table(uint64_t pa)
{
	const struct acpi_header *h = (const void *)pa;

	if (!pa || h->length < sizeof(*h) || h->length > ACPI_MAX_TABLE_LEN)
		return NULL;
	return checksum(h, h->length) == 0 ? h : NULL;
}

const void *acpi_find_table(uint64_t rsdp_pa, const char *sig)
{
	const struct acpi_rsdp *rsdp = (const void *)rsdp_pa;
	const struct acpi_header *root;
	size_t entry_size;

	if (!rsdp_pa || memcmp(rsdp->signature, "RSD PTR ", 8) ||
	    checksum(rsdp, RSDP_V1_LENGTH))
		return NULL;
	if (rsdp->revision >= 2 && rsdp->xsdt) {
		root = valid_table(rsdp->xsdt);
		entry_size = sizeof(uint64_t);
	} else {
		root = valid_table(rsdp->rsdt);
		entry_size = sizeof(uint32_t);
	}
	if (!root)
		return NULL;
	for (size_t off = sizeof(*root); off + entry_size <= root->length;
	     off += entry_size) {
		uint64_t pa = 0;
		const struct acpi_header *t;

		memcpy(&pa, (const uint8_t *)root + off, entry_size);
		t = valid_table(pa);
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

uint32_t acpi_table_length(const void *table)
{
	return ((const struct acpi_header *)table)->length;
}

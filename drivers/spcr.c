// SPDX-License-Identifier: MIT
/*
 * SPCR parsing (include/drivers/spcr.h). Pure: the table is only read,
 * every field through its byte offset, so the host tests run it as it is.
 */
#include <stdbool.h>

#include <drivers/spcr.h>
#include <keel/abi.h>
#include <lib/string.h>

#define OFF_LENGTH      4
#define OFF_REVISION    8
#define OFF_TYPE        36
#define OFF_GAS         40
#define OFF_BAUD        58
#define OFF_PCI_DEVICE  64
#define OFF_PCI_VENDOR  66
#define OFF_PCI_BUS     68
#define OFF_PCI_DEV     69
#define OFF_PCI_FUNC    70
#define OFF_PCI_SEGMENT 75
#define OFF_CLOCK       76	/* revision 3 and later */
#define OFF_PRECISE     80	/* revision 4 and later */

/* ACPI 6.5, 5.2.3.2 Generic Address Structure */
#define GAS_SPACE_ID    0
#define GAS_BIT_WIDTH   1
#define GAS_ACCESS_SIZE 3
#define GAS_ADDRESS     4
#define GAS_ACCESS_BYTE  1
#define GAS_ACCESS_WORD  2
#define GAS_ACCESS_DWORD 3

#define IO_PORT_LIMIT 0x10000
#define PCI_MAX_DEV   32
#define PCI_MAX_FUNC  8
#define PHYS_ADDR_LIMIT (1ULL << 52)

static uint16_t get16(const uint8_t *t, size_t off)
{
	uint16_t v;

	memcpy(&v, t + off, sizeof(v));
	return v;
}

static uint32_t get32(const uint8_t *t, size_t off)
{
	uint32_t v;

	memcpy(&v, t + off, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *t, size_t off)
{
	uint64_t v;

	memcpy(&v, t + off, sizeof(v));
	return v;
}

static int fail(const char **why, int err, const char *msg)
{
	if (why)
		*why = msg;
	return err;
}

static uint32_t baud_from_code(uint8_t code)
{
	switch (code) {
	case 3:
		return 9600;
	case 4:
		return 19200;
	case 6:
		return 57600;
	case 7:
		return 115200;
	default:
		return 0;	/* "as is", or undefined: keep the firmware's */
	}
}

/* The register width from the access size, else the bit width; 0: none. */
static uint8_t register_width(const uint8_t *gas)
{
	switch (gas[GAS_ACCESS_SIZE]) {
	case GAS_ACCESS_BYTE:
		return 1;
	case GAS_ACCESS_WORD:
		return 2;
	case GAS_ACCESS_DWORD:
		return 4;
	case 0:		/* undefined (legacy): go by the bit width */
		switch (gas[GAS_BIT_WIDTH]) {
		case 16:
			return 2;
		case 32:
			return 4;
		default:
			return 1;
		}
	default:
		return 0;
	}
}

static bool is_16550(uint8_t type)
{
	return type == SPCR_TYPE_16550 || type == SPCR_TYPE_16550_SUBSET ||
	       type == SPCR_TYPE_16550_NVIDIA || type == SPCR_TYPE_16550_GAS;
}

static int parse_address(const uint8_t *t, struct uart_config *u,
			 const char **why)
{
	const uint8_t *gas = t + OFF_GAS;

	u->address = get64(gas, GAS_ADDRESS);
	if (!u->address)
		return fail(why, -KEEL_ENOENT,
			    "says console redirection is off (base address 0)");
	switch (gas[GAS_SPACE_ID]) {
	case GAS_SPACE_IO:
		if (u->address > IO_PORT_LIMIT - UART_REG_COUNT)
			return fail(why, -KEEL_EINVAL,
				    "gives an I/O port beyond 0xffff");
		u->space = UART_IO;
		u->reg_width = 1;	/* 16550 ports are consecutive bytes */
		return 0;
	case GAS_SPACE_MEMORY:
		u->reg_width = register_width(gas);
		if (!u->reg_width)
			return fail(why, -KEEL_ENOSYS,
				    "asks for 64-bit register accesses");
		if (u->address >= PHYS_ADDR_LIMIT)
			return fail(why, -KEEL_EINVAL,
				    "gives an address beyond 2^52");
		u->space = UART_MMIO;
		return 0;
	default:
		return fail(why, -KEEL_ENOSYS,
			    "names an address space other than memory "
			    "or I/O ports");
	}
}

static void parse_pci(const uint8_t *t, struct uart_pci *pci)
{
	uint16_t vendor = get16(t, OFF_PCI_VENDOR);
	uint16_t device = get16(t, OFF_PCI_DEVICE);

	memset(pci, 0, sizeof(*pci));
	/* 0xffff means "not a PCI device"; some tables leave zeroes */
	if (vendor == UART_PCI_NONE || vendor == 0 ||
	    t[OFF_PCI_DEV] >= PCI_MAX_DEV || t[OFF_PCI_FUNC] >= PCI_MAX_FUNC)
		return;
	pci->present = true;
	pci->vendor = vendor;
	pci->device = device;
	pci->segment = t[OFF_PCI_SEGMENT];
	pci->bus = t[OFF_PCI_BUS];
	pci->dev = t[OFF_PCI_DEV];
	pci->func = t[OFF_PCI_FUNC];
}

int spcr_parse(const void *table, size_t len, struct spcr_info *out,
	       const char **why)
{
	const uint8_t *t = table;
	uint32_t length;
	int ret;

	memset(out, 0, sizeof(*out));
	if (len < SPCR_MIN_LENGTH)
		return fail(why, -KEEL_EINVAL, "is shorter than 80 bytes");
	if (memcmp(t, "SPCR", 4))
		return fail(why, -KEEL_EINVAL, "has the wrong signature");
	length = get32(t, OFF_LENGTH);
	if (length < SPCR_MIN_LENGTH || length > len)
		return fail(why, -KEEL_EINVAL, "has a bad length");
	out->revision = t[OFF_REVISION];
	out->interface_type = t[OFF_TYPE];
	out->baud_code = t[OFF_BAUD];
	if (!is_16550(out->interface_type))
		return fail(why, -KEEL_ENOSYS,
			    "describes a UART that is not a 16550");
	ret = parse_address(t, &out->uart, why);
	if (ret)
		return ret;
	out->uart.baud = baud_from_code(out->baud_code);
	if (out->revision >= 3)
		out->uart.clock_hz = get32(t, OFF_CLOCK);
	if (out->revision >= 4 && length >= OFF_PRECISE + 4 &&
	    get32(t, OFF_PRECISE))
		out->uart.baud = get32(t, OFF_PRECISE);
	parse_pci(t, &out->uart.pci);
	return 0;
}

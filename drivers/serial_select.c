// SPDX-License-Identifier: MIT
/*
 * The console choice of include/drivers/serial_select.h. Pure but for
 * serial_select_acpi, which reads the tables where the RSDP points.
 */
#include <stdarg.h>

#include <drivers/acpi.h>
#include <drivers/serial_select.h>
#include <lib/format.h>
#include <lib/string.h>
#include <lib/util.h>

static const struct {
	uint16_t port;
	const char *name;
} com_names[] = {
	{ UART_COM1_PORT, "COM1" }, { UART_COM2_PORT, "COM2" },
	{ UART_COM3_PORT, "COM3" }, { UART_COM4_PORT, "COM4" },
};

static void choose_default(struct serial_choice *out)
{
	out->uart.space = UART_IO;
	out->uart.address = UART_COM1_PORT;
	out->uart.reg_width = 1;
	out->uart.baud = UART_DEFAULT_BAUD;
	out->source = SERIAL_FROM_DEFAULT;
}

static void choose_config(const struct config_console *cfg,
			  struct serial_choice *out)
{
	struct uart_config *u = &out->uart;

	out->source = SERIAL_FROM_CONFIG;
	switch (cfg->kind) {
	case CONFIG_CONSOLE_NONE:
		u->space = UART_NONE;
		return;
	case CONFIG_CONSOLE_IO:
		u->space = UART_IO;
		break;
	case CONFIG_CONSOLE_MMIO:
		u->space = UART_MMIO;
		break;
	default:
		u->space = UART_PCI_BAR;
		u->pci.present = true;
		u->pci.bus = cfg->pci_bus;
		u->pci.dev = cfg->pci_dev;
		u->pci.func = cfg->pci_func;
		u->pci.vendor = UART_PCI_NONE;
		u->pci.device = UART_PCI_NONE;
		break;
	}
	u->address = cfg->address;
	u->reg_width = u->space == UART_IO || !cfg->width ? 1 : cfg->width;
	u->baud = UART_DEFAULT_BAUD;
}

void serial_select(const struct config_console *cfg,
		   const struct serial_spcr *spcr, struct serial_choice *out)
{
	enum config_console_kind kind = cfg ? cfg->kind : CONFIG_CONSOLE_AUTO;

	memset(out, 0, sizeof(*out));
	if (kind != CONFIG_CONSOLE_AUTO && kind != CONFIG_CONSOLE_SPCR) {
		choose_config(cfg, out);
	} else if (spcr->spcr && spcr->status == 0) {
		out->uart = spcr->spcr->uart;
		out->source = SERIAL_FROM_SPCR;
	} else {
		choose_default(out);
		if (spcr->spcr)
			out->spcr_note = spcr->why ? spcr->why : "is unusable";
		else if (kind == CONFIG_CONSOLE_SPCR)
			out->spcr_note = "is missing";
	}
	if (cfg && cfg->baud && out->uart.space != UART_NONE)
		out->uart.baud = cfg->baud;
}

void serial_select_acpi(uint64_t rsdp_pa, const struct config_console *cfg,
			struct serial_choice *out)
{
	const void *table = acpi_find_table(rsdp_pa, "SPCR");
	struct serial_spcr found = { 0 };
	struct spcr_info spcr;

	if (table) {
		found.spcr = &spcr;
		found.status = spcr_parse(table, acpi_table_length(table),
					  &spcr, &found.why);
	}
	serial_select(cfg, &found, out);
}

static const char *com_name(uint64_t port)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(com_names); i++) {
		if (com_names[i].port == port)
			return com_names[i].name;
	}
	return NULL;
}

/* Text built piece by piece; len is what the full text would need. */
struct text {
	char *buf;
	size_t size;
	size_t len;
};

__attribute__((format(printf, 2, 3)))
static void text_add(struct text *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
}

static void describe_uart(struct text *t, const struct uart_config *u)
{
	const struct uart_pci *pci = &u->pci;

	switch (u->space) {
	case UART_NONE:
		text_add(t, "none");
		return;
	case UART_IO:
		text_add(t, "16550 at I/O port %#llx",
			 (unsigned long long)u->address);
		if (com_name(u->address) && !pci->present)
			text_add(t, " (%s)", com_name(u->address));
		break;
	case UART_MMIO:
		text_add(t, "16550 at MMIO %#llx",
			 (unsigned long long)u->address);
		break;
	case UART_PCI_BAR:
		text_add(t, "16550 in BAR 0");
		break;
	}
	if (pci->present) {
		text_add(t, " of PCI %02x:%02x.%x", pci->bus, pci->dev,
			 pci->func);
		if (pci->segment)
			text_add(t, " (segment %u)", pci->segment);
		if (pci->vendor != UART_PCI_NONE)
			text_add(t, " [%04x:%04x]", pci->vendor, pci->device);
	}
	if (u->space != UART_IO && u->reg_width > 1)
		text_add(t, ", %u-bit registers", u->reg_width * 8u);
	if (u->baud)
		text_add(t, ", %u baud", u->baud);
	else
		text_add(t, ", baud rate as the firmware set it");
	if (u->clock_hz && u->clock_hz != UART_CLOCK_HZ)
		text_add(t, ", %u Hz clock", u->clock_hz);
}

int serial_describe(const struct serial_choice *c, char *buf, size_t size)
{
	struct text t = { .buf = buf, .size = size, .len = 0 };

	if (size)
		buf[0] = '\0';
	describe_uart(&t, &c->uart);

	switch (c->source) {
	case SERIAL_FROM_CONFIG:
		text_add(&t, " (keel.cfg)");
		break;
	case SERIAL_FROM_SPCR:
		text_add(&t, " (ACPI SPCR table)");
		break;
	default:
		if (c->spcr_note)
			text_add(&t, " (default; the ACPI SPCR table %s)",
				 c->spcr_note);
		else
			text_add(&t, " (default; no ACPI SPCR table)");
		break;
	}
	return (int)t.len;
}

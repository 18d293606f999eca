// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for spcr_parse and the console choice built on it.
 * Besides the sanitizers' checks, it asserts what a successful parse
 * promises and that the description always fits and is terminated.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <drivers/serial_select.h>
#include <drivers/spcr.h>
#include <keel/abi.h>

#define CHECK(cond)                                                         \
	do {                                                                \
		if (!(cond))                                                \
			abort();                                            \
	} while (0)

static void check_choice(const struct config_console *cfg,
			 const struct serial_spcr *found)
{
	struct serial_choice choice;
	char buf[96];
	int n;

	serial_select(cfg, found, &choice);
	n = serial_describe(&choice, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	CHECK(strlen(buf) == ((size_t)n < sizeof(buf) ? (size_t)n :
			      sizeof(buf) - 1));
	if (choice.source == SERIAL_FROM_SPCR)
		CHECK(found->spcr && found->status == 0);
}

/* libFuzzer calls it; it declares no prototype of its own. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config_console cfgs[] = {
		{ .kind = CONFIG_CONSOLE_AUTO },
		{ .kind = CONFIG_CONSOLE_SPCR, .baud = 9600 },
		{ .kind = CONFIG_CONSOLE_PCI, .pci_bus = 1 },
	};
	struct spcr_info info;
	struct serial_spcr found = { .spcr = &info };
	const char *why = NULL;
	/* an exact copy: reads past size are caught by ASan */
	uint8_t *copy = malloc(size ? size : 1);
	int rc;

	memcpy(copy, data, size);
	rc = spcr_parse(copy, size, &info, &why);
	if (rc == 0) {
		const struct uart_config *u = &info.uart;

		CHECK(size >= SPCR_MIN_LENGTH);
		CHECK(u->space == UART_IO || u->space == UART_MMIO);
		CHECK(u->address != 0);
		CHECK(u->reg_width == 1 || u->reg_width == 2 ||
		      u->reg_width == 4);
		if (u->space == UART_IO)
			CHECK(u->reg_width == 1 && u->address <= 0xfff8);
		else
			CHECK(u->address < (1ULL << 52));
		if (u->pci.present)
			CHECK(u->pci.dev < 32 && u->pci.func < 8);
	} else {
		CHECK(rc == -KEEL_EINVAL || rc == -KEEL_ENOSYS ||
		      rc == -KEEL_ENOENT);
		CHECK(why && why[0]);
	}
	found.status = rc;
	found.why = why;
	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
		check_choice(&cfgs[i], &found);
	free(copy);
	return 0;
}

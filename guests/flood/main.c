// SPDX-License-Identifier: MIT
/*
 * flood: writes console output as fast as it can, to show that guest
 * output never makes a CPU wait for the serial line (the hypervisor
 * queues it and drops what the line cannot take).
 *   run=MS     keep writing for this long, in TSC time (default 1000)
 *   bytes=N    bytes per CONSOLE_WRITE call, at most 4096 (default 4096)
 *   quiet=MS   then stay quiet this long before the last line, so the
 *              queue drains and that line is not dropped (default 3000)
 * Every 16th write goes byte by byte through the virtual COM1 instead.
 * Prints "flood: done: N writes of B bytes in T ms, slowest call S us",
 * S: the longest CONSOLE_WRITE call (the COM1 writes are many exits).
 */
#include "guest.h"

#define NS_PER_MS  1000000ul
#define US_PER_MS  1000ul
#define LINE_BYTES 64
#define COM1_DATA  0x3f8
#define PORT_EVERY 16

static char text[KEEL_CONSOLE_WRITE_MAX];

/* 63 printable characters and a newline per line, numbered. */
static void fill(void)
{
	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = i % LINE_BYTES == LINE_BYTES - 1 ? '\n' :
			  (char)('a' + (i / LINE_BYTES + i) % 26);
}

void guest_main(void)
{
	uint64_t run = arg_u64("run", 1000), quiet = arg_u64("quiet", 3000);
	uint64_t bytes = arg_u64("bytes", sizeof(text));
	uint64_t khz = start_info->tsc_khz, start, end, slowest = 0, writes = 0;

	if (!khz) {
		gprintf("flood: the hypervisor gave no TSC rate\n");
		return;
	}
	if (bytes > sizeof(text))
		bytes = sizeof(text);
	fill();
	gprintf("flood: start: %lu ms of %lu-byte writes\n", run, bytes);
	start = rdtsc();
	end = start + ms_to_tsc(run);
	while (rdtsc() < end) {
		uint64_t t0 = rdtsc(), took;

		writes++;
		if (writes % PORT_EVERY == 0) {
			for (uint64_t i = 0; i < bytes; i++)
				outb(COM1_DATA, (uint8_t)text[i]);
			continue;
		}
		console_write(text, bytes);
		took = rdtsc() - t0;
		if (took > slowest)
			slowest = took;
	}
	sleep_ns(quiet * NS_PER_MS);
	gprintf("flood: done: %lu writes of %lu bytes in %lu ms, slowest call %lu us\n",
		writes, bytes, run, slowest * US_PER_MS / khz);
}

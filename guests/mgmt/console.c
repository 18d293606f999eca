// SPDX-License-Identifier: MIT
/*
 * console NAME: the VM's scroll-back, then its output as it comes, and
 * every key typed goes to its COM1 receiver (docs/hypercalls.md §4.9)
 * until Enter ~ . (detach.h).
 */
#include <lib/format.h>
#include <lib/string.h>

#include "commands.h"
#include "detach.h"
#include "guest.h"
#include "hv.h"
#include "out.h"
#include "report.h"
#include "vms.h"

#define NS_PER_MS 1000000ull

/* A whole ring and the chunk header in front of it. */
static char ring_buffer[sizeof(struct keel_chunk) + KEEL_CONSOLE_RING];

struct relay {
	uint32_t id;
	uint64_t pos;		/* next position of the VM's console to show */
	char last;		/* the last byte shown */
	char input[KEEL_CONSOLE_INPUT_MAX];
	size_t input_len;
};

/* Shows what is new; the bytes shown, or a negative error. */
static long relay_output(struct relay *r)
{
	const struct keel_chunk *chunk = (const struct keel_chunk *)ring_buffer;
	long n = hv_console_read(r->id, r->pos, ring_buffer,
				 sizeof(ring_buffer));

	if (n <= 0)
		return n;
	out_write(ring_buffer + sizeof(*chunk), (size_t)n);
	r->last = ring_buffer[sizeof(*chunk) + (size_t)n - 1];
	r->pos = chunk->from + (uint64_t)n;
	return n;
}

/* Reads the keys waiting; false when the user asked to detach. */
static bool relay_keys(struct relay *r, struct detach *d)
{
	char c, fwd[DETACH_KEY_MAX];

	while (r->input_len + DETACH_KEY_MAX <= sizeof(r->input) &&
	       console_getc(&c)) {
		int n = detach_feed(d, c, fwd);

		if (n < 0)
			return false;
		memcpy(r->input + r->input_len, fwd, (size_t)n);
		r->input_len += (size_t)n;
	}
	return true;
}

/*
 * Sends the keys. What does not fit the guest's 256-byte FIFO is lost, as
 * on a UART nobody reads: holding it back would stop us reading the keys,
 * and with them the user's Enter ~ .
 */
static long relay_input(struct relay *r)
{
	long n;

	if (!r->input_len)
		return 0;
	n = hv_console_input(r->id, r->input, r->input_len);
	r->input_len = 0;
	return n < 0 ? n : 1;
}

void cmd_console(const struct shell_cmd *cmd)
{
	static struct relay r;
	struct keel_vm_info vi;
	struct detach d;
	bool attached = true;
	long out, in;

	if (!vms_find(cmd->name, &vi))
		return;
	if (vi.flags & KEEL_VM_FLAG_MGMT) {
		out_error("'%s' is the management VM; its console is this shell",
			  cmd->name);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.id = vi.id;
	r.last = '\n';
	detach_init(&d);
	out_printf("attached to %s; Enter ~ . detaches\n", cmd->name);
	while (attached) {
		attached = relay_keys(&r, &d);
		in = relay_input(&r);
		out = relay_output(&r);
		out_flush();
		if (out < 0 || in < 0) {
			if (r.last != '\n')
				out_puts("\n");
			if (out == -KEEL_ENOENT || in == -KEEL_ENOENT)
				out_error("%s is gone (destroyed); detached",
					  cmd->name);
			else
				report_hv_error("console", out < 0 ? out : in);
			return;
		}
		if (attached && !out && !in)
			sleep_ns(NS_PER_MS);
	}
	if (r.last != '\n')
		out_puts("\n");
	out_printf("detached from %s\n", cmd->name);
}

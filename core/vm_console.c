// SPDX-License-Identifier: MIT
/*
 * The VMs' consoles: each VM's output ring (scroll-back) and input queue,
 * line-prefixed output of VMs without the console, and which VM owns the
 * physical serial line. See core/vm.h.
 */
#include <base/log.h>
#include <core/vm.h>
#include <drivers/uart.h>
#include <keel/abi.h>
#include <lib/format.h>
#include <lib/ring.h>
#include <lib/string.h>
#include <lib/util.h>
#include <sched/sched.h>

struct vm *console_owner;

/* Lock held. "[name] line" to the hypervisor's console queue. */
static void console_flush_line(struct vm *vm)
{
	char out[VM_NAME_LEN + VM_CONSOLE_LINE + 4];
	size_t name = strnlen(vm->name, VM_NAME_LEN - 1), n = 0;

	out[n++] = '[';
	memcpy(out + n, vm->name, name);
	n += name;
	out[n++] = ']';
	out[n++] = ' ';
	memcpy(out + n, vm->line, vm->line_len);
	n += vm->line_len;
	out[n++] = '\n';
	console_write(out, n);
	vm->line_len = 0;
}

/* Lock held. One byte of the VM's console output. */
static void console_put(struct vm *vm, struct vm *owner, char c)
{
	vm->ring[vm->ring_head++ % VM_CONSOLE_RING] = c;
	if (owner) {
		/* the owner's COM1 is the serial line; the others only keep rings */
		if (owner == vm)
			console_putc_raw(c);
	} else if (c == '\n') {
		console_flush_line(vm);
	} else if (c != '\r') {
		/* keep guest escape sequences away from the operator's terminal */
		if ((unsigned char)c < 0x20 && c != '\t')
			c = '?';
		else if ((unsigned char)c >= 0x7f)
			c = '?';
		vm->line[vm->line_len++] = c;
		if (vm->line_len == VM_CONSOLE_LINE)
			console_flush_line(vm);
	}
}

void vm_console_write(struct vm *vm, const char *s, size_t len)
{
	struct vm *owner = __atomic_load_n(&console_owner, __ATOMIC_ACQUIRE);
	/* the owner's bytes wait for the UART: no long hold of its lock */
	size_t batch = owner == vm ? 1 : len;

	for (size_t done = 0; done < len; done += batch) {
		spin_lock(&vm->lock);
		for (size_t i = done; i < len && i < done + batch; i++)
			console_put(vm, owner, s[i]);
		spin_unlock(&vm->lock);
	}
}

void vm_console_putc(struct vm *vm, char c)
{
	vm_console_write(vm, &c, 1);
}

size_t vm_console_read(struct vm *vm, uint64_t *from, uint64_t *head,
		       char *buf, size_t len)
{
	size_t n;

	spin_lock(&vm->lock);
	*head = vm->ring_head;
	n = ring_copy_out(vm->ring, VM_CONSOLE_RING, vm->ring_head, from, buf, len);
	spin_unlock(&vm->lock);
	return n;
}

size_t vm_console_input(struct vm *vm, const uint8_t *bytes, size_t len)
{
	size_t n = 0;

	spin_lock(&vm->lock);
	while (n < len && vm->rx_count < sizeof(vm->rx)) {
		vm->rx[(vm->rx_head + vm->rx_count) % sizeof(vm->rx)] = bytes[n++];
		vm->rx_count++;
	}
	spin_unlock(&vm->lock);
	return n;
}

/* The console owner's input comes from the physical UART, when it asks. */
static void pull_physical_input(struct vm *vm)
{
	int c;

	if (vm != console_owner || vm->rx_count)
		return;
	c = uart_getc();
	if (c >= 0) {
		uint8_t b = (uint8_t)c;

		vm_console_input(vm, &b, 1);
	}
}

bool vm_console_has_input(struct vm *vm)
{
	pull_physical_input(vm);
	return vm->rx_count != 0;
}

int vm_console_getc(struct vm *vm)
{
	int c = -1;

	pull_physical_input(vm);
	spin_lock(&vm->lock);
	if (vm->rx_count) {
		c = vm->rx[vm->rx_head];
		vm->rx_head = (vm->rx_head + 1) % sizeof(vm->rx);
		vm->rx_count--;
	}
	spin_unlock(&vm->lock);
	return c;
}

/*
 * The scheduler's poll hook. The serial line has no interrupt: while a VM
 * has the console every scheduler pass empties the UART's FIFO, and CPU 0
 * passes at least every SCHED_POLL_NS (16 bytes last 1.4 ms at 115200
 * baud), whatever runs, so typing is never lost to an overrun. Then the
 * queued console output goes on (console_tick, base/log.c).
 */
uint64_t vm_console_poll(unsigned int cpu)
{
	uint64_t next = UINT64_MAX;

	if (console_owner) {
		uart_poll();	/* typing must not overrun the UART */
		if (cpu == 0)
			next = SCHED_POLL_NS;
	}
	return MIN(next, console_tick());
}

void vm_take_console(struct vm *vm)
{
	log_info("vm %s: the serial console is now this management VM's; the hypervisor log is read with 'log' in its shell",
		 vm->name);
	log_console_handover();
	__atomic_store_n(&console_owner, vm, __ATOMIC_RELEASE);
}

void vm_release_console(struct vm *vm)
{
	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) != vm)
		return;
	__atomic_store_n(&console_owner, NULL, __ATOMIC_RELEASE);
	log_console_takeback();
	/* its stop reason went to the log ring, which nobody reads now */
	log_warn("vm %s: the management VM has stopped (%s); the serial console is the hypervisor's again",
		 vm->name, vm->stop_reason[0] ? vm->stop_reason : "halted");
}


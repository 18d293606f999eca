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

/* Queues input for the guest's COM1; how many bytes fit. No wake-up. */
static size_t rx_push(struct vm *vm, const uint8_t *bytes, size_t len)
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

/*
 * Its vCPUs asleep for console input (KEEL_SLEEP_CONSOLE) wake up. Not
 * under a scheduler lock: sched_vcpu_wake takes it. A vCPU that has not
 * settled yet sees the input in wake_pending (core/vcpu_run.c) instead.
 */
static void console_wake(struct vm *vm)
{
	/*
	 * The input's stores before the console_wait loads: a sleeper that
	 * set console_wait after this looks for the input under its CPU's
	 * lock in settle (wake_pending), so one of the two sees the other.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned int i = 0; i < vm->vcpu_count; i++)
		if (__atomic_load_n(&vm->vcpus[i].console_wait, __ATOMIC_ACQUIRE))
			sched_vcpu_wake(&vm->vcpus[i]);
}

size_t vm_console_input(struct vm *vm, const uint8_t *bytes, size_t len)
{
	size_t n = rx_push(vm, bytes, len);

	if (n)
		console_wake(vm);
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

		rx_push(vm, &b, 1);
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

/* The host UART's receive interrupt raised it (or not: it is polled). */
static bool rx_interrupt;

/*
 * The host UART's receive interrupt (arch/x86/interrupt.h), on CPU 0 in
 * root mode: the bytes go to the driver's ring at once, so the FIFO does
 * not overrun; the scheduler pass it asks for hands them on (poll hook).
 */
void vm_console_rx_interrupt(void)
{
	uart_poll();
	sched_kick(0);
}

void vm_console_rx_interrupt_on(void)
{
	__atomic_store_n(&rx_interrupt, true, __ATOMIC_RELEASE);
	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE))
		uart_rx_interrupt(true);
}

/*
 * The scheduler's poll hook. While a VM has the console every scheduler
 * pass empties the UART's FIFO and wakes the owner's vCPUs waiting for
 * input. With the receive interrupt, an arriving byte makes CPU 0 pass
 * (vm_console_rx_interrupt); without it, CPU 0 passes at least every
 * SCHED_POLL_NS (16 bytes last 1.4 ms at 115200 baud), whatever runs, so
 * typing is never lost to an overrun. Then the queued console output
 * goes on (console_tick, base/log.c).
 */
uint64_t vm_console_poll(unsigned int cpu)
{
	struct vm *owner = __atomic_load_n(&console_owner, __ATOMIC_ACQUIRE);
	uint64_t next = UINT64_MAX;

	if (owner) {
		uart_poll();	/* typing must not overrun the UART */
		if (uart_rx_pending() ||
		    __atomic_load_n(&owner->rx_count, __ATOMIC_RELAXED))
			console_wake(owner);
		if (cpu == 0 && !__atomic_load_n(&rx_interrupt, __ATOMIC_ACQUIRE))
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
	/*
	 * Input is read only while a VM owns the line: only then does the
	 * UART interrupt (a QEMU run with the interrupt on and no owner
	 * showed guests' timer wake-ups on the other CPU late by ms).
	 */
	if (__atomic_load_n(&rx_interrupt, __ATOMIC_ACQUIRE))
		uart_rx_interrupt(true);
}

void vm_release_console(struct vm *vm)
{
	if (__atomic_load_n(&console_owner, __ATOMIC_ACQUIRE) != vm)
		return;
	__atomic_store_n(&console_owner, NULL, __ATOMIC_RELEASE);
	uart_rx_interrupt(false);
	/* its stop report went to the log ring, which nobody reads now */
	log_console_takeback(vm->stop_log_mark);
	log_warn("vm %s: the management VM has stopped (%s); the serial console is the hypervisor's again",
		 vm->name, vm->stop_reason[0] ? vm->stop_reason : "halted");
}


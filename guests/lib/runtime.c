// SPDX-License-Identifier: MIT
/* Console through the virtual COM1, hypercalls, arguments. */
#include <stdarg.h>

#include <arch/x86.h>
#include <lib/format.h>
#include <lib/parse.h>
#include <lib/string.h>

#include "guest.h"

#define COM1     0x3f8
#define COM1_LSR (COM1 + 5)
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20

const struct keel_start_info *start_info;

void console_putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THR_EMPTY))
		;
	outb(COM1, (uint8_t)c);
}

void console_puts(const char *s)
{
	while (*s)
		console_putc(*s++);
}

bool console_getc(char *c)
{
	if (!(inb(COM1_LSR) & LSR_DATA_READY))
		return false;
	*c = (char)inb(COM1);
	return true;
}

void console_write(const char *buf, size_t len)
{
	while (len) {
		size_t n = len < KEEL_CONSOLE_WRITE_MAX ? len : KEEL_CONSOLE_WRITE_MAX;
		long ret = hypercall(KEEL_HC_CONSOLE_WRITE, (unsigned long)buf, n);

		if (ret <= 0) {		/* an older hypervisor: byte by byte */
			for (size_t i = 0; i < n; i++)
				console_putc(buf[i]);
			ret = (long)n;
		}
		buf += ret;
		len -= (size_t)ret;
	}
}

/* One UART for all of a guest's vCPUs: whole lines, one vCPU at a time. */
static volatile int console_lock;

void gprintf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	while (__atomic_exchange_n(&console_lock, 1, __ATOMIC_ACQUIRE))
		__asm__ volatile("pause");
	console_puts(buf);
	__atomic_store_n(&console_lock, 0, __ATOMIC_RELEASE);
}

long hypercall(unsigned long nr, unsigned long a1, unsigned long a2)
{
	long ret;

	if (start_info->flags & KEEL_START_VMMCALL)
		__asm__ volatile("vmmcall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2)
				 : "memory");
	else
		__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "D"(a1), "S"(a2)
				 : "memory");
	return ret;
}

long hypercall4(unsigned long nr, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4)
{
	long ret;

	if (start_info->flags & KEEL_START_VMMCALL)
		__asm__ volatile("vmmcall" : "=a"(ret)
				 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "c"(a4)
				 : "memory");
	else
		__asm__ volatile("vmcall" : "=a"(ret)
				 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "c"(a4)
				 : "memory");
	return ret;
}

bool arg_value(const char *key, char *buf, size_t size)
{
	const char *p = start_info->args;
	size_t klen = strlen(key);

	while (*p) {
		size_t len = 0;

		while (*p == ' ')
			p++;
		while (p[len] && p[len] != ' ')
			len++;
		if (len > klen && !strncmp(p, key, klen) && p[klen] == '=') {
			size_t vlen = len - klen - 1;

			if (vlen >= size)
				vlen = size - 1;
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = 0;
			return true;
		}
		p += len;
	}
	return false;
}

uint64_t arg_u64(const char *key, uint64_t def)
{
	char buf[24];
	uint64_t v;

	if (!arg_value(key, buf, sizeof(buf)) || !parse_u64(buf, strlen(buf), &v))
		return def;
	return v;
}

uint64_t tsc_to_ms(uint64_t ticks)
{
	return start_info->tsc_khz ? ticks / start_info->tsc_khz : 0;
}

uint64_t ms_to_tsc(uint64_t ms)
{
	return ms * start_info->tsc_khz;
}

void ap_start(void);

/* Guests with one vCPU never start another; this only says so if one is. */
__attribute__((weak)) void guest_ap_main(uint64_t arg)
{
	gprintf("guest: vcpu%lu started, but this guest has no guest_ap_main\n",
		arg);
}

long vcpu_start(uint32_t id, void *stack_top, uint64_t arg)
{
	long ret;

	if (start_info->flags & KEEL_START_VMMCALL)
		__asm__ volatile("vmmcall" : "=a"(ret)
				 : "a"(KEEL_HC_VCPU_START), "D"((uint64_t)id),
				   "S"((uint64_t)ap_start), "d"(stack_top), "c"(arg)
				 : "memory");
	else
		__asm__ volatile("vmcall" : "=a"(ret)
				 : "a"(KEEL_HC_VCPU_START), "D"((uint64_t)id),
				   "S"((uint64_t)ap_start), "d"(stack_top), "c"(arg)
				 : "memory");
	return ret;
}

long vcpu_entry_register(void *stacks, uint64_t stack_bytes)
{
	return hypercall4(KEEL_HC_VCPU_ENTRY, (unsigned long)ap_start,
			  (unsigned long)stacks, stack_bytes, 0);
}

long sleep_ns(uint64_t ns)
{
	return hypercall(KEEL_HC_SLEEP, ns, 0);
}

long sleep_console_ns(uint64_t ns)
{
	return hypercall(KEEL_HC_SLEEP, ns, KEEL_SLEEP_CONSOLE);
}

long yield(void)
{
	return hypercall(KEEL_HC_YIELD, 0, 0);
}

void guest_halt(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void guest_start(const struct keel_start_info *si)
{
	start_info = si;
	if (si->magic != KEEL_START_MAGIC) {
		console_puts("guest: bad start-info magic\n");
		guest_halt();
	}
	if ((si->version >> 16) != KEEL_ABI_MAJOR) {
		console_puts("guest: built for another ABI major version\n");
		guest_halt();
	}
	guest_main();
	guest_halt();
}

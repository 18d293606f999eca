// SPDX-License-Identifier: MIT
/*
 * The panic path: print why and where, then halt this CPU for good. It
 * writes to the UART without the console lock, since the lock's holder
 * may be what failed; before the console is up it brings up one.
 */
#include <stdarg.h>

#include <arch/cpu.h>
#include <arch/interrupt.h>
#include <arch/x86.h>
#include <base/log.h>
#include <base/panic.h>
#include <drivers/uart.h>
#include <lib/format.h>
#include <lib/string.h>

static const char *const exception_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
};

volatile int percpu_ready;

/* Set by the console driver; the panic path must not call up to it. */
static void (*console_start)(void);

void panic_set_console_start(void (*start)(void))
{
	console_start = start;
}

static void start_console(void)
{
	if (console_start)
		console_start();
}

static void panic_print(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	uart_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static unsigned int panic_cpu_index(void)
{
	/* GS may not be set up yet when the boot CPU panics early. */
	return percpu_ready ? this_cpu()->index : 0;
}

__attribute__((noreturn)) static void halt_forever(void)
{
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	irq_disable();
	start_console();
	log_console_flush_panic();	/* what was queued comes first */
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	panic_print("\nkeel: PANIC on cpu%u: %s\n", panic_cpu_index(), buf);
	panic_print("keel: cr0=%lx cr3=%lx cr4=%lx rflags=%lx\n", read_cr0(),
		    read_cr3(), read_cr4(), read_rflags());
	panic_print("keel: this CPU is halted\n");
	halt_forever();
}

void panic_exception(const struct interrupt_frame *f)
{
	const char *name = f->vector < 32 && exception_names[f->vector] ?
			   exception_names[f->vector] : "interrupt";

	irq_disable();
	start_console();
	log_console_flush_panic();	/* what was queued comes first */
	panic_print("\nkeel: PANIC on cpu%u: exception %lu (%s), error code %lx\n",
		    panic_cpu_index(), f->vector, name, f->error_code);
	panic_print("keel: rip=%016lx cs=%lx rflags=%lx rsp=%016lx ss=%lx\n",
		    f->rip, f->cs, f->rflags, f->rsp, f->ss);
	panic_print("keel: rax=%016lx rbx=%016lx rcx=%016lx rdx=%016lx\n",
		    f->rax, f->rbx, f->rcx, f->rdx);
	panic_print("keel: rsi=%016lx rdi=%016lx rbp=%016lx r8 =%016lx\n",
		    f->rsi, f->rdi, f->rbp, f->r8);
	panic_print("keel: r9 =%016lx r10=%016lx r11=%016lx r12=%016lx\n",
		    f->r9, f->r10, f->r11, f->r12);
	panic_print("keel: r13=%016lx r14=%016lx r15=%016lx\n",
		    f->r13, f->r14, f->r15);
	panic_print("keel: cr0=%lx cr2=%lx cr3=%lx cr4=%lx\n", read_cr0(),
		    read_cr2(), read_cr3(), read_cr4());
	panic_print("keel: this CPU is halted\n");
	halt_forever();
}

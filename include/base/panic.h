/* SPDX-License-Identifier: MIT */
/*
 * Stops this CPU after printing why. Only for hypervisor bugs and boot
 * failures; never reachable from guest input (a guest gets its VM stopped).
 */
#ifndef KEEL_CORE_PANIC_H
#define KEEL_CORE_PANIC_H

struct interrupt_frame;

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

__attribute__((noreturn))
void panic_exception(const struct interrupt_frame *frame);

/*
 * Before it prints, panic calls start (the console driver's
 * serial_console_panic, registered first thing by kmain) to bring up a
 * UART if none is up yet.
 */
void panic_set_console_start(void (*start)(void));

/* Set once the boot CPU's GS base points at its struct cpu (this_cpu). */
extern volatile int percpu_ready;

/*
 * A stated precondition, checked in debug builds only (make DEBUG=1,
 * -DKEEL_DEBUG); compiled but never evaluated otherwise.
 */
#ifdef KEEL_DEBUG
#define DEBUG_ASSERT(cond) BUG_ON(!(cond))
#else
#define DEBUG_ASSERT(cond)						\
	do {								\
		if (0)							\
			(void)(cond);					\
	} while (0)
#endif

#define BUG_ON(cond)							\
	do {								\
		if (cond)						\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif

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

#define BUG_ON(cond)							\
	do {								\
		if (cond)						\
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
	} while (0)

#endif

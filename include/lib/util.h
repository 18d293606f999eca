/* SPDX-License-Identifier: MIT */
#ifndef KEEL_LIB_UTIL_H
#define KEEL_LIB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)      (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a)   ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)     ALIGN_DOWN((x) + (uint64_t)(a) - 1, (a))
#define IS_ALIGNED(x, a)   (((x) & ((uint64_t)(a) - 1)) == 0)
/*
 * MIN and MAX evaluate each argument once (a GNU statement expression;
 * __COUNTER__ keeps nested uses' names apart): MIN(next, console_tick())
 * once pushed the console twice a scheduler pass.
 */
#define MIN(a, b)          MINMAX_(a, b, <, __COUNTER__)
#define MAX(a, b)          MINMAX_(a, b, >, __COUNTER__)
#define MINMAX_(a, b, op, n) MINMAX__(a, b, op, n)
#define MINMAX__(a, b, op, n) __extension__ ({ \
	__typeof__(a) mm_a##n = (a); \
	__typeof__(b) mm_b##n = (b); \
	mm_a##n op mm_b##n ? mm_a##n : mm_b##n; })
#define KIB                (1UL << 10)
#define MIB                (1UL << 20)
#define GIB                (1UL << 30)
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

#define READ_ONCE(x)      __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)  __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#endif

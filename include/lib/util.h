/* SPDX-License-Identifier: MIT */
#ifndef KEEL_LIB_UTIL_H
#define KEEL_LIB_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a)      (sizeof(a) / sizeof((a)[0]))
#define ALIGN_DOWN(x, a)   ((x) & ~((uint64_t)(a) - 1))
#define ALIGN_UP(x, a)     ALIGN_DOWN((x) + (uint64_t)(a) - 1, (a))
#define IS_ALIGNED(x, a)   (((x) & ((uint64_t)(a) - 1)) == 0)
#define MIN(a, b)          ((a) < (b) ? (a) : (b))
#define MAX(a, b)          ((a) > (b) ? (a) : (b))
#define KIB                (1UL << 10)
#define MIB                (1UL << 20)
#define GIB                (1UL << 30)
#define container_of(p, type, member) \
	((type *)((char *)(p) - offsetof(type, member)))

#define READ_ONCE(x)      __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v)  __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

#endif

// SPDX-License-Identifier: MIT
/*
 * hostile: the attacker of the hostile-guest suite (docs/hostile.md), and
 * by its args also the victim (role=victim) and the management helper of
 * the memory race (role=mgmt). The attacker runs the cases of group=NAME
 * (in table order) or cases=A,B,... and prints one line per case:
 *   hostile: case NAME: ok | FAIL (detail) | skipped (why)
 * preceded by "hostile: running NAME", so that a case which gets the VM
 * stopped is named by the last such line.
 */
#include <stdarg.h>

#include <lib/format.h>
#include <lib/string.h>

#include "hostile.h"

static char detail[160];
static bool failed, skipped;

void fail(const char *fmt, ...)
{
	va_list ap;

	if (failed)
		return;
	failed = true;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
}

void skip(const char *why)
{
	skipped = true;
	strlcpy(detail, why, sizeof(detail));
}

bool case_failed(void)
{
	return failed;
}

static const char *vector_name(int v)
{
	switch (v) {
	case -1: return "no fault";
	case 1: return "#DB";
	case 6: return "#UD";
	case 7: return "#NM";
	case 13: return "#GP";
	case 14: return "#PF";
	default: return "another fault";
	}
}

bool expect_vector(const char *what, int vector)
{
	if (trap.vector == vector)
		return true;
	fail("%s: %s (vector %d), want %s", what, vector_name(trap.vector),
	     trap.vector, vector_name(vector));
	return false;
}

bool expect_no_fault(const char *what)
{
	return expect_vector(what, -1);
}

bool use_vmmcall(void)
{
	return start_info->flags & KEEL_START_VMMCALL;
}

long hc(unsigned long nr, unsigned long a1, unsigned long a2,
	unsigned long a3, unsigned long a4)
{
	return hypercall4(nr, a1, a2, a3, a4);
}

void expect_hc(const char *what, long got, long want)
{
	if (got != want)
		fail("%s returned %ld, want %ld", what, got, want);
}

unsigned int gpr_check(const uint64_t *out, uint64_t ns, uint64_t mark,
		       unsigned int *first_bad)
{
	unsigned int bad = 0;

	for (unsigned int i = 0; i < 15; i++) {
		uint64_t want = i < 12 ? mark + i + 1 : i == 12 ? ns : 0;

		if (out[i] != want && !bad++)
			*first_bad = i;
	}
	return bad;
}

static unsigned int ran, nfailed, nskipped;

static void run_case(const struct hostile_case *c)
{
	failed = skipped = false;
	detail[0] = 0;
	gprintf("hostile: running %s at %lu ms\n", c->name, now_ms());
	c->run();
	ran++;
	if (failed) {
		nfailed++;
		gprintf("hostile: case %s: FAIL (%s)\n", c->name, detail);
	} else if (skipped) {
		nskipped++;
		gprintf("hostile: case %s: skipped (%s)\n", c->name, detail);
	} else {
		gprintf("hostile: case %s: ok\n", c->name);
	}
}

static const struct hostile_case *find_case(const char *name, size_t len)
{
	for (unsigned int i = 0; i < hostile_case_count; i++)
		if (strlen(hostile_cases[i].name) == len &&
		    !strncmp(hostile_cases[i].name, name, len))
			return &hostile_cases[i];
	return NULL;
}

uint64_t hostile_tsc0;

void guest_main(void)
{
	char role[16], list[KEEL_ARGS_LEN];

	hostile_tsc0 = rdtsc();
	if (arg_value("role", role, sizeof(role))) {
		if (!strcmp(role, "victim"))
			victim_main();
		else if (!strcmp(role, "mgmt"))
			mgmt_main();
		return;
	}
	traps_init();
	hostile_load_start();
	if (arg_value("group", list, sizeof(list))) {
		for (unsigned int i = 0; i < hostile_case_count; i++)
			if (!strcmp(hostile_cases[i].group, list))
				run_case(&hostile_cases[i]);
	} else if (arg_value("cases", list, sizeof(list))) {
		const char *p = list;

		while (*p) {
			size_t len = 0;
			const struct hostile_case *c;

			while (p[len] && p[len] != ',')
				len++;
			c = find_case(p, len);
			if (c)
				run_case(c);
			else
				gprintf("hostile: no case named %.*s\n", (int)len, p);
			p += len;
			if (*p == ',')
				p++;
		}
	}
	gprintf("hostile: done: %u cases, %u failed, %u skipped, at %lu ms\n", ran,
		nfailed, nskipped, now_ms());
}

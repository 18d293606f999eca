// SPDX-License-Identifier: MIT
/*
 * core/vm_desc.c: the one check of a VM description, at each boundary,
 * and that keel.cfg (core/config.c) and VM_CREATE (core/hc_check.c) reach
 * the same verdict in the same words for the same values.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#include <core/config.h>
#include <core/hc_check.h>
#include <core/vm_desc.h>
#include <keel/abi.h>

#define M2     (2ULL << 20)
#define MIB    (1ULL << 20)
#define GIB    (1ULL << 30)
#define ONLINE 0x0fULL	/* CPUs 0-3 run */

static char why[VM_DESC_WHY_LEN];

/* A VM as keel.cfg's `vm v image=m` describes it. */
static struct vm_desc elf_desc(void)
{
	struct vm_desc d;

	memset(&d, 0, sizeof(d));
	strcpy(d.name, "v");
	strcpy(d.image, "m");
	d.entry = KEEL_ENTRY_ELF;
	d.role = VM_ROLE_GUEST;
	d.mem = 16 * MIB;
	d.cpus = 1;
	d.cpu = 0;
	d.vcpus = 1;
	d.prio = 8;
	d.slice_ms = 10;
	return d;
}

static void desc_ok(const struct vm_desc *d, uint64_t online)
{
	memset(why, '#', sizeof(why));
	if (vm_desc_check(d, online, why, sizeof(why)))
		fail_msg("refused: %s", why);
	assert_string_equal(why, "");
}

/* Refused with -EINVAL, and why contains fragment. */
static void desc_bad(const struct vm_desc *d, uint64_t online,
		     const char *fragment)
{
	memset(why, 0, sizeof(why));
	assert_int_equal(vm_desc_check(d, online, why, sizeof(why)),
			 -KEEL_EINVAL);
	if (!strstr(why, fragment))
		fail_msg("want '%s', got '%s'", fragment, why);
}

/* ------------------------------------------------------------- names */

static void test_name_valid(void **state)
{
	char name[KEEL_NAME_LEN];
	static const char bad[] = " /:@[`{~\t\n\x7f\x80\xff\"\\*";

	assert_true(vm_desc_name_valid("a", KEEL_NAME_LEN));
	assert_true(vm_desc_name_valid("Z", 2));
	assert_true(vm_desc_name_valid("guest-1.a_B9", KEEL_NAME_LEN));
	assert_true(vm_desc_name_valid("azAZ09_.-", KEEL_NAME_LEN));
	assert_true(vm_desc_name_valid("..", KEEL_NAME_LEN));
	assert_false(vm_desc_name_valid("", KEEL_NAME_LEN));
	assert_false(vm_desc_name_valid("a", 0));
	assert_false(vm_desc_name_valid("a", 1));	/* no room for the NUL */
	assert_false(vm_desc_name_valid("ab", 2));
	for (const char *c = bad; *c; c++) {
		char s[4] = { 'a', *c, 'b', 0 };

		assert_false(vm_desc_name_valid(s, sizeof(s)));
		s[0] = *c;
		s[1] = 0;
		assert_false(vm_desc_name_valid(s, sizeof(s)));
	}
	/* 31 characters fit, 32 do not */
	memset(name, 'x', sizeof(name));
	name[31] = 0;
	assert_true(vm_desc_name_valid(name, sizeof(name)));
	name[31] = 'x';
	assert_false(vm_desc_name_valid(name, sizeof(name)));
	/* what follows the NUL does not matter */
	memset(name, '!', sizeof(name));
	memcpy(name, "ok", 3);
	assert_true(vm_desc_name_valid(name, sizeof(name)));
}

static void test_names(void **state)
{
	struct vm_desc d = elf_desc();

	desc_ok(&d, ONLINE);
	memset(d.name, 'n', sizeof(d.name) - 1);	/* 31 */
	desc_ok(&d, ONLINE);
	d.name[31] = 'n';				/* 32, no NUL */
	desc_bad(&d, ONLINE, "the name must be 1-31 of");
	memset(d.name, 0, sizeof(d.name));
	desc_bad(&d, ONLINE, "the name must be");
	strcpy(d.name, "a b");
	desc_bad(&d, ONLINE, "the name must be");
	d = elf_desc();
	memset(d.image, 'i', sizeof(d.image));
	desc_bad(&d, ONLINE, "image= must name a boot module");
	d.image[31] = 0;
	desc_ok(&d, ONLINE);
	strcpy(d.image, "a/b");
	desc_bad(&d, ONLINE, "image=");
}

/* A Multiboot kernel's module= list: names, a count of at most 4. */
static void test_modules(void **state)
{
	struct vm_desc d = elf_desc();

	d.module_count = 2;
	strcpy(d.modules[0], "mbmod");
	strcpy(d.modules[1], "initrd");
	desc_ok(&d, ONLINE);
	d.module_count = VM_DESC_MAX_MODULES;
	desc_bad(&d, ONLINE, "module= must name a boot module");
	strcpy(d.modules[2], "a");
	strcpy(d.modules[3], "b");
	desc_ok(&d, ONLINE);
	d.module_count = VM_DESC_MAX_MODULES + 1;
	desc_bad(&d, ONLINE, "at most 4 module=");
	d.module_count = 2;
	strcpy(d.modules[1], "a b");
	desc_bad(&d, ONLINE, "module= must name a boot module");
	memset(d.modules[1], 'm', sizeof(d.modules[1]));	/* no NUL */
	desc_bad(&d, ONLINE, "module=");
	d.modules[1][31] = 0;
	desc_ok(&d, ONLINE);
	/* a raw VM has no kernel to hand them to */
	d.entry = KEEL_ENTRY_RAW;
	d.entry_rip = 0x100000;
	memset(d.image, 0, sizeof(d.image));
	desc_bad(&d, ONLINE, "module= is for Multiboot kernels");
	d.module_count = 0;
	desc_ok(&d, ONLINE);
}

static void test_role_and_entry(void **state)
{
	struct vm_desc d = elf_desc();

	d.role = VM_ROLE_MGMT;
	desc_ok(&d, ONLINE);
	d.role = 2;
	desc_bad(&d, ONLINE, "role must be guest or mgmt");
	d.role = UINT32_MAX;
	desc_bad(&d, ONLINE, "role");

	d = elf_desc();
	d.entry = 2;
	desc_bad(&d, ONLINE, "entry must be 0 (ELF image) or 1 (raw)");
	d.entry = KEEL_ENTRY_ELF;
	d.entry_rip = 0x100000;
	desc_bad(&d, ONLINE, "entry_rip is only for raw VMs");
	d.entry = KEEL_ENTRY_RAW;
	desc_bad(&d, ONLINE, "a raw VM has no image");
	d.image[0] = 0;
	desc_ok(&d, ONLINE);
	d.entry_rip = 0;
	desc_bad(&d, ONLINE, "needs entry_rip");
}

/* ------------------------------------------------------------ memory */

static void test_mem(void **state)
{
	static const struct {
		uint64_t mem;
		const char *why;	/* NULL: accepted */
	} cases[] = {
		{ 0, "mem=0 is out of range; use 2M to 64G" },
		{ 1, "mem=1 is out of range" },
		{ MIB, "mem=1M is out of range; use 2M to 64G" },
		{ M2 - 4096, "mem=2093056 is out of range" },
		{ M2, NULL },
		{ M2 + 4096, "mem=2101248 is not a multiple of 2M" },
		{ 3 * MIB, "mem=3M is not a multiple of 2M" },
		{ GIB, NULL },
		{ KEEL_MEM_MAX - M2, NULL },
		{ KEEL_MEM_MAX, NULL },
		{ KEEL_MEM_MAX + M2, "mem=65538M is out of range" },
		{ 65 * GIB, "mem=65G is out of range; use 2M to 64G" },
		{ UINT64_MAX, "mem=18446744073709551615 is out of range" },
	};
	struct vm_desc d = elf_desc();

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(cases); i++) {
		d.mem = cases[i].mem;
		if (cases[i].why)
			desc_bad(&d, ONLINE, cases[i].why);
		else
			desc_ok(&d, ONLINE);
	}
}

static void test_maxmem(void **state)
{
	struct vm_desc d = elf_desc();

	d.mem_max = 0;				/* as mem */
	desc_ok(&d, ONLINE);
	assert_int_equal(vm_desc_mem_max(&d), d.mem);
	d.mem_max = d.mem;
	desc_ok(&d, ONLINE);
	d.mem_max = KEEL_MEM_MAX;
	desc_ok(&d, ONLINE);
	assert_int_equal(vm_desc_mem_max(&d), KEEL_MEM_MAX);
	d.mem_max = d.mem - M2;
	desc_bad(&d, ONLINE, "maxmem= must not be below mem=");
	d.mem_max = MIB;
	desc_bad(&d, ONLINE, "maxmem=1M is out of range; use 2M to 64G");
	d.mem_max = 64 * MIB + 4096;
	desc_bad(&d, ONLINE, "maxmem=67112960 is not a multiple of 2M");
	d.mem_max = KEEL_MEM_MAX + M2;
	desc_bad(&d, ONLINE, "maxmem=65538M is out of range");
	/* mem is looked at first */
	d.mem = MIB;
	desc_bad(&d, ONLINE, "mem=1M");
}

/* -------------------------------------------------------- scheduling */

static void test_vcpus_prio_slice(void **state)
{
	struct vm_desc d = elf_desc();

	d.vcpus = 1;
	desc_ok(&d, ONLINE);
	d.vcpus = KEEL_MAX_VCPUS;
	desc_ok(&d, ONLINE);
	d.vcpus = 0;
	desc_bad(&d, ONLINE, "vcpus=0 is not a vCPU count; use 1 to 8");
	d.vcpus = KEEL_MAX_VCPUS + 1;
	desc_bad(&d, ONLINE, "vcpus=9 is not a vCPU count");
	d.vcpus = UINT32_MAX;
	desc_bad(&d, ONLINE, "vcpus=4294967295");

	d = elf_desc();
	d.prio = 0;
	desc_ok(&d, ONLINE);
	d.prio = KEEL_PRIO_MAX;
	desc_ok(&d, ONLINE);
	d.prio = KEEL_PRIO_MAX + 1;
	desc_bad(&d, ONLINE, "prio=32 is not a priority; use 0 (lowest) to 31");
	d.prio = KEEL_KEEP;		/* only VM_SET_SCHED knows "keep" */
	desc_bad(&d, ONLINE, "not a priority");

	d = elf_desc();
	d.slice_ms = KEEL_SLICE_MIN_MS;
	desc_ok(&d, ONLINE);
	d.slice_ms = KEEL_SLICE_MAX_MS;
	desc_ok(&d, ONLINE);
	d.slice_ms = 0;
	desc_bad(&d, ONLINE, "slice=0 is not a time slice; use 1 to 100 (ms)");
	d.slice_ms = KEEL_SLICE_MAX_MS + 1;
	desc_bad(&d, ONLINE, "slice=101");
}

static void test_range_predicates(void **state)
{
	assert_false(vm_desc_mem_valid(M2 - 1));
	assert_true(vm_desc_mem_valid(M2));
	assert_false(vm_desc_mem_valid(M2 + 4096));
	assert_true(vm_desc_mem_valid(KEEL_MEM_MAX));
	assert_false(vm_desc_mem_valid(KEEL_MEM_MAX + M2));
	assert_true(vm_desc_prio_valid(0) && vm_desc_prio_valid(31));
	assert_false(vm_desc_prio_valid(32) || vm_desc_prio_valid(UINT64_MAX));
	assert_true(vm_desc_slice_valid(1) && vm_desc_slice_valid(100));
	assert_false(vm_desc_slice_valid(0) || vm_desc_slice_valid(101));
	assert_false(vm_desc_slice_valid(UINT64_MAX));
}

/* -------------------------------------------------------------- CPUs */

static void test_cpus(void **state)
{
	struct vm_desc d = elf_desc();

	/* every CPU that runs; the hypervisor picks where to start */
	d.cpus = VM_DESC_CPUS_ALL;
	d.cpu = VM_DESC_CPU_ANY;
	desc_ok(&d, ONLINE);
	desc_ok(&d, 1);
	assert_int_equal(vm_desc_cpus(&d, ONLINE), ONLINE);
	d.cpu = 3;
	desc_ok(&d, ONLINE);
	d.cpu = 4;					/* not running */
	desc_bad(&d, ONLINE, "its cpu= names a CPU that is not running");
	desc_ok(&d, VM_DESC_ONLINE_ANY);		/* the parse */
	d.cpu = KEEL_MAX_CPUS;
	desc_bad(&d, VM_DESC_ONLINE_ANY, "cpu= must be one of the CPUs in cpus=");

	d = elf_desc();
	d.cpus = 0x6;
	d.cpu = 0;					/* not one of them */
	desc_bad(&d, ONLINE, "cpu= must be one of the CPUs in cpus=");
	d.cpu = 2;
	desc_ok(&d, ONLINE);
	assert_int_equal(vm_desc_cpus(&d, ONLINE), 0x6);
	d.cpu = VM_DESC_CPU_ANY;
	desc_ok(&d, ONLINE);
	d.cpus = ONLINE;
	desc_ok(&d, ONLINE);
	d.cpus = 0x30;					/* CPUs 4 and 5 */
	desc_bad(&d, ONLINE, "cpus= names CPU 4, which is not running");
	d.cpus = ONLINE | 1ULL << 63;
	desc_bad(&d, ONLINE, "cpus= names CPU 63");
	desc_ok(&d, VM_DESC_ONLINE_ANY);
	d.cpus = 0x2;
	desc_bad(&d, 0x5, "cpus= names CPU 1");	/* a hole in online */
	/* the start CPU is looked at first */
	d.cpus = 0x10;
	d.cpu = 4;
	desc_bad(&d, ONLINE, "its cpu= names a CPU that is not running");
	d.cpus = UINT64_MAX;
	d.cpu = 63;
	desc_ok(&d, VM_DESC_ONLINE_ANY);
}

/* -------------------------------------------------------------- args */

static void test_args(void **state)
{
	static const char bad[] = "\t\n\r\x1b\x01\x1f\x7f\x80\xc3\xff";
	struct vm_desc d = elf_desc();

	for (int ch = 0x20; ch <= 0x7e; ch++) {	/* every printable byte */
		d.args[0] = (char)ch;
		desc_ok(&d, ONLINE);
	}
	memset(d.args, '~', sizeof(d.args) - 1);	/* 127 characters */
	desc_ok(&d, ONLINE);
	d.args[127] = '~';				/* no NUL */
	desc_bad(&d, ONLINE, "args must be printable ASCII, at most 127");
	for (const char *b = bad; *b; b++) {
		memset(d.args, 0, sizeof(d.args));
		strcpy(d.args, "a=1 ");
		d.args[2] = *b;
		desc_bad(&d, ONLINE, "args must be printable ASCII");
	}
	memset(d.args, 0x01, sizeof(d.args));	/* after the NUL: not looked at */
	strcpy(d.args, "ok");
	desc_ok(&d, ONLINE);
}

/* --------------------------------------------------------- the reason */

static void test_why_buffer(void **state)
{
	struct vm_desc d = elf_desc();
	char small[8];

	d.prio = 99;
	memset(small, '#', sizeof(small));
	assert_int_equal(vm_desc_check(&d, ONLINE, small, sizeof(small)),
			 -KEEL_EINVAL);
	assert_string_equal(small, "prio=99");	/* cut, NUL-terminated */
	assert_int_equal(vm_desc_check(&d, ONLINE, small, 0), -KEEL_EINVAL);
	d = elf_desc();
	memset(small, '#', sizeof(small));
	assert_int_equal(vm_desc_check(&d, ONLINE, small, sizeof(small)), 0);
	assert_string_equal(small, "");
	/* the longest reason fits VM_DESC_WHY_LEN and keel.cfg's message */
	d.cpu = 5;
	d.cpus = VM_DESC_CPUS_ALL;
	desc_bad(&d, ONLINE, "pick one from the boot log");
	assert_true(sizeof(why) == sizeof(((struct config_error *)0)->message));
}

/* ----------------------------------------------------- the two paths */

enum field { F_MEM, F_MAXMEM, F_VCPUS, F_PRIO, F_SLICE, F_CPUS, F_ARGS,
	     F_MODULES };

static const struct {
	const char *option;	/* on a keel.cfg vm line */
	enum field field;	/* the same in struct keel_vm_config */
	uint64_t value;
} same[] = {
	{ "mem=0", F_MEM, 0 },
	{ "mem=1M", F_MEM, MIB },
	{ "mem=2M", F_MEM, M2 },
	{ "mem=3M", F_MEM, 3 * MIB },
	{ "mem=2101248", F_MEM, M2 + 4096 },
	{ "mem=64G", F_MEM, KEEL_MEM_MAX },
	{ "mem=65538M", F_MEM, KEEL_MEM_MAX + M2 },
	{ "mem=65G", F_MEM, 65 * GIB },
	{ "maxmem=0", F_MAXMEM, 0 },		/* as mem */
	{ "maxmem=8M", F_MAXMEM, 8 * MIB },	/* below the 16M default */
	{ "maxmem=16M", F_MAXMEM, 16 * MIB },
	{ "maxmem=1G", F_MAXMEM, GIB },
	{ "maxmem=17M", F_MAXMEM, 17 * MIB },
	{ "maxmem=64G", F_MAXMEM, KEEL_MEM_MAX },
	{ "maxmem=128G", F_MAXMEM, 128 * GIB },
	{ "vcpus=0", F_VCPUS, 0 },
	{ "vcpus=1", F_VCPUS, 1 },
	{ "vcpus=8", F_VCPUS, 8 },
	{ "vcpus=9", F_VCPUS, 9 },
	{ "vcpus=4294967295", F_VCPUS, UINT32_MAX },
	{ "prio=0", F_PRIO, 0 },
	{ "prio=31", F_PRIO, 31 },
	{ "prio=32", F_PRIO, 32 },
	{ "prio=4294967295", F_PRIO, UINT32_MAX },
	{ "slice=0", F_SLICE, 0 },
	{ "slice=1", F_SLICE, 1 },
	{ "slice=100", F_SLICE, 100 },
	{ "slice=101", F_SLICE, 101 },
	{ "cpus=all", F_CPUS, 0 },
	{ "cpus=0-3", F_CPUS, 0xf },
	{ "cpus=63", F_CPUS, 1ULL << 63 },
	{ "args=\"a b ~\"", F_ARGS, 0 },
	{ "cmdline=\"a b ~\"", F_ARGS, 0 },
	{ "module=n", F_MODULES, 1 },
	{ "module=n module=m", F_MODULES, 2 },
	{ "module=n module=m module=n module=m", F_MODULES, 4 },
};

/* The value-th module of `module=n module=m ...`. */
static const char *module_name(unsigned int i)
{
	return i % 2 ? "m" : "n";
}

/* What VM_CREATE gets for `vm v image=m`, plus one field. */
static struct keel_vm_config hc_config(enum field f, uint64_t v)
{
	struct keel_vm_config c;

	memset(&c, 0, sizeof(c));
	strcpy(c.name, "v");
	strcpy(c.image, "m");
	c.entry = KEEL_ENTRY_ELF;
	c.mem_bytes = CONFIG_DEFAULT_VM_MEM;
	c.vcpus = 1;
	c.prio = CONFIG_DEFAULT_VM_PRIO;
	c.slice_ms = CONFIG_DEFAULT_VM_SLICE_MS;
	switch (f) {
	case F_MEM:
		c.mem_bytes = v;
		break;
	case F_MAXMEM:
		c.mem_max = v;
		break;
	case F_VCPUS:
		c.vcpus = (uint32_t)v;
		break;
	case F_PRIO:
		c.prio = (uint32_t)v;
		break;
	case F_SLICE:
		c.slice_ms = (uint32_t)v;
		break;
	case F_CPUS:
		c.cpus = v;
		break;
	case F_ARGS:
		strcpy(c.args, "a b ~");
		break;
	case F_MODULES:
		for (unsigned int i = 0; i < v; i++)
			strcpy(c.modules[i], module_name(i));
		break;
	}
	return c;
}

static void test_paths_agree(void **state)
{
	static struct config cfg;
	struct config_error err;
	struct keel_vm_config c;
	struct vm_desc d;
	char text[128], hc_why[VM_DESC_WHY_LEN];
	int cfg_rc, hc_rc;

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(same); i++) {
		snprintf(text, sizeof(text), "module m /m\nmodule n /n\n"
			 "vm v image=m %s\n", same[i].option);
		cfg_rc = config_parse(text, strlen(text), &cfg, &err);
		c = hc_config(same[i].field, same[i].value);
		hc_rc = hc_check_vm_config(&c, VM_DESC_ONLINE_ANY, &d, hc_why,
					   sizeof(hc_why));
		if (cfg_rc != hc_rc || strcmp(err.message, hc_why))
			fail_msg("%s: keel.cfg %d '%s', VM_CREATE %d '%s'",
				 same[i].option, cfg_rc, err.message, hc_rc,
				 hc_why);
		if (cfg_rc)
			continue;
		/* and they describe the same VM */
		assert_int_equal(cfg.vms[0].mem, d.mem);
		assert_int_equal(vm_desc_mem_max(&cfg.vms[0]),
				 vm_desc_mem_max(&d));
		/* defaults differ: keel.cfg pins to cpu=0, VM_CREATE spreads */
		if (same[i].field == F_CPUS)
			assert_int_equal(vm_desc_cpus(&cfg.vms[0], ONLINE),
					 vm_desc_cpus(&d, ONLINE));
		assert_int_equal(cfg.vms[0].vcpus, d.vcpus);
		assert_int_equal(cfg.vms[0].prio, d.prio);
		assert_int_equal(cfg.vms[0].slice_ms, d.slice_ms);
		assert_string_equal(cfg.vms[0].args, d.args);
		assert_int_equal(cfg.vms[0].module_count, d.module_count);
		for (unsigned int m = 0; m < d.module_count; m++)
			assert_string_equal(cfg.vms[0].modules[m], d.modules[m]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_modules),
		cmocka_unit_test(test_role_and_entry),
		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_maxmem),
		cmocka_unit_test(test_vcpus_prio_slice),
		cmocka_unit_test(test_range_predicates),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_args),
		cmocka_unit_test(test_why_buffer),
		cmocka_unit_test(test_paths_agree),
	};

	return cmocka_run_group_tests_name("vm_desc", tests, NULL, NULL);
}

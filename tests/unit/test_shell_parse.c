// SPDX-License-Identifier: MIT
/* guests/mgmt/shell_parse.c: the admin shell's command language. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <keel/abi.h>

#include "shell_parse.h"

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static struct shell_cmd cmd;
static char err[SHELL_ERROR_MAX];

static void parse_ok(const char *line)
{
	memset(&cmd, 0xa5, sizeof(cmd));	/* the parser must set it all */
	memset(err, 0xa5, sizeof(err));
	if (shell_parse(line, &cmd, err, sizeof(err)))
		fail_msg("'%s': %s", line, err);
	assert_string_equal(err, "");
}

/* The line is refused with a message that contains fragment. */
static void parse_bad(const char *line, const char *fragment)
{
	memset(&cmd, 0xa5, sizeof(cmd));
	memset(err, 0xa5, sizeof(err));
	assert_int_equal(shell_parse(line, &cmd, err, sizeof(err)),
			 -KEEL_EINVAL);
	assert_non_null(memchr(err, '\0', sizeof(err)));
	if (!strstr(err, fragment))
		fail_msg("'%s': want '%s' in '%s'", line, fragment, err);
	assert_null(strchr(err, '\n'));
	assert_true(strlen(err) > 10);
}

/* ------------------------------------------------------------ accepted */

static void test_empty_lines(void **state)
{
	parse_ok("");
	assert_int_equal(cmd.verb, SHELL_EMPTY);
	parse_ok("   \t  ");
	assert_int_equal(cmd.verb, SHELL_EMPTY);
}

static void test_simple_verbs(void **state)
{
	static const struct { const char *line; enum shell_verb verb; } t[] = {
		{ "help", SHELL_HELP }, { "version", SHELL_VERSION },
		{ "info", SHELL_INFO }, { "list", SHELL_LIST },
		{ "images", SHELL_IMAGES }, { "top", SHELL_TOP },
		{ "log", SHELL_LOG }, { "reboot", SHELL_REBOOT },
		{ "  list  ", SHELL_LIST }, { "\tinfo", SHELL_INFO },
	};

	for (size_t i = 0; i < TEST_ARRAY_SIZE(t); i++) {
		parse_ok(t[i].line);
		assert_int_equal(cmd.verb, t[i].verb);
		assert_int_equal(cmd.given, 0);
	}
}

static void test_json_flag(void **state)
{
	parse_ok("info --json");
	assert_int_equal(cmd.verb, SHELL_INFO);
	assert_int_equal(cmd.given, SHELL_FLAG_JSON);
	parse_ok("list --json");
	assert_true(cmd.given & SHELL_FLAG_JSON);
	parse_ok("stats web --json");
	assert_string_equal(cmd.name, "web");
	assert_true(cmd.given & SHELL_FLAG_JSON);
	parse_ok("stats --json web");	/* flags anywhere */
	assert_string_equal(cmd.name, "web");
	parse_ok("images --json");
}

static void test_vm_verbs(void **state)
{
	static const struct { const char *verb; enum shell_verb v; } t[] = {
		{ "start", SHELL_START }, { "pause", SHELL_PAUSE },
		{ "resume", SHELL_RESUME }, { "destroy", SHELL_DESTROY },
		{ "console", SHELL_CONSOLE }, { "stats", SHELL_STATS },
	};
	char line[64];

	for (size_t i = 0; i < TEST_ARRAY_SIZE(t); i++) {
		snprintf(line, sizeof(line), "%s web-1.a_b", t[i].verb);
		parse_ok(line);
		assert_int_equal(cmd.verb, t[i].v);
		assert_string_equal(cmd.name, "web-1.a_b");
	}
}

static void test_create_defaults(void **state)
{
	parse_ok("create web hello");
	assert_int_equal(cmd.verb, SHELL_CREATE);
	assert_string_equal(cmd.name, "web");
	assert_string_equal(cmd.image, "hello");
	assert_int_equal(cmd.given, 0);
	assert_int_equal(cmd.mem, 16 * MIB);
	assert_int_equal(cmd.vcpus, 1);
	assert_int_equal(cmd.prio, 8);
	assert_int_equal(cmd.slice_ms, 10);
	assert_int_equal(cmd.cpus, 0);
	assert_string_equal(cmd.args, "");
}

static void test_cycle(void **state)
{
	parse_ok("cycle c hello");
	assert_int_equal(cmd.verb, SHELL_CYCLE);
	assert_string_equal(cmd.name, "c");
	assert_string_equal(cmd.image, "hello");
	assert_int_equal(cmd.count, 1);
	assert_int_equal(cmd.mem, 16 * MIB);
	parse_ok("cycle c hello count=10000 mem=2M vcpus=2");
	assert_int_equal(cmd.count, 10000);
	assert_int_equal(cmd.mem, 2 * MIB);
	assert_int_equal(cmd.vcpus, 2);
	assert_int_equal(cmd.given, SHELL_OPT_COUNT | SHELL_OPT_MEM |
			 SHELL_OPT_VCPUS);
	parse_ok("cycle c hello count=1000000");
	assert_int_equal(cmd.count, 1000000);
	parse_bad("cycle c hello count=0", "count=N with N from 1 to 1000000");
	parse_bad("cycle c hello count=1000001", "count=");
	parse_bad("cycle c hello count=x", "count=");
	parse_bad("cycle c", "usage: cycle NAME IMAGE");
	parse_bad("cycle c hello mem=4M maxmem=2M", "maxmem= is below mem=");
	/* count= belongs to cycle only */
	parse_bad("create c hello count=2", "create takes no option 'count='");
}

static void test_create_all_options(void **state)
{
	parse_ok("create db memtest mem=32M maxmem=1G vcpus=4 prio=31 "
		 "slice=100 cpus=0-1,3 args=\"release=no period=10\"");
	assert_string_equal(cmd.name, "db");
	assert_string_equal(cmd.image, "memtest");
	assert_int_equal(cmd.mem, 32 * MIB);
	assert_int_equal(cmd.maxmem, GIB);
	assert_int_equal(cmd.vcpus, 4);
	assert_int_equal(cmd.prio, 31);
	assert_int_equal(cmd.slice_ms, 100);
	assert_int_equal(cmd.cpus, 0xb);
	assert_string_equal(cmd.args, "release=no period=10");
	assert_int_equal(cmd.given, SHELL_OPT_MEM | SHELL_OPT_MAXMEM |
			 SHELL_OPT_VCPUS | SHELL_OPT_PRIO | SHELL_OPT_SLICE |
			 SHELL_OPT_CPUS | SHELL_OPT_ARGS);
	/* options before the names, bounds */
	parse_ok("create prio=0 slice=1 a b vcpus=8 mem=2M");
	assert_string_equal(cmd.name, "a");
	assert_string_equal(cmd.image, "b");
	assert_int_equal(cmd.prio, 0);
	assert_int_equal(cmd.slice_ms, 1);
	assert_int_equal(cmd.vcpus, 8);
	assert_int_equal(cmd.mem, 2 * MIB);
	parse_ok("create x y args=release=no");
	assert_string_equal(cmd.args, "release=no");
	parse_ok("create x y args=");
	assert_true(cmd.given & SHELL_OPT_ARGS);
	assert_string_equal(cmd.args, "");
	parse_ok("create x y cpus=all maxmem=16M");
	assert_int_equal(cmd.cpus, 0);
	assert_int_equal(cmd.maxmem, 16 * MIB);
}

/* A Multiboot kernel: kernel= for IMAGE, module= in order, cmdline=. */
static void test_create_multiboot(void **state)
{
	parse_ok("create mbk kernel=mb_modes module=mbmod "
		 "cmdline=\"mb_modes test=1\" mem=16M");
	assert_int_equal(cmd.verb, SHELL_CREATE);
	assert_string_equal(cmd.name, "mbk");
	assert_string_equal(cmd.image, "mb_modes");
	assert_int_equal(cmd.module_count, 1);
	assert_string_equal(cmd.modules[0], "mbmod");
	assert_string_equal(cmd.args, "mb_modes test=1");
	assert_true(cmd.given & SHELL_OPT_KERNEL);
	assert_true(cmd.given & SHELL_OPT_CMDLINE);
	assert_false(cmd.given & SHELL_OPT_ARGS);
	assert_int_equal(cmd.mem, 16 * MIB);
	assert_false(cmd.restart);		/* on_reboot=stop by default */
	parse_ok("create r kernel=mb on_reboot=restart");
	assert_true(cmd.restart);
	parse_ok("create r kernel=mb on_reboot=stop");
	assert_false(cmd.restart);
	parse_bad("create r kernel=mb on_reboot=halt",
		  "write on_reboot=restart or on_reboot=stop");
	/* four modules, in order; the positional IMAGE takes them too */
	parse_ok("create k mb module=a module=b.img module=c-1 module=d_2");
	assert_string_equal(cmd.image, "mb");
	assert_int_equal(cmd.module_count, 4);
	assert_string_equal(cmd.modules[0], "a");
	assert_string_equal(cmd.modules[1], "b.img");
	assert_string_equal(cmd.modules[2], "c-1");
	assert_string_equal(cmd.modules[3], "d_2");
	/* options first, then NAME; args= still works for a kernel */
	parse_ok("create module=m kernel=mb k args=\"x y\"");
	assert_string_equal(cmd.name, "k");
	assert_string_equal(cmd.image, "mb");
	assert_string_equal(cmd.args, "x y");
	/* none: as before */
	parse_ok("create web hello");
	assert_int_equal(cmd.module_count, 0);
	assert_false(cmd.given & (SHELL_OPT_KERNEL | SHELL_OPT_MODULE));
}

/* A Linux kernel: kernel=, initrd=, cmdline=. */
static void test_create_linux(void **state)
{
	parse_ok("create lx kernel=vmlinuz initrd=initrd.img "
		 "cmdline=\"console=ttyS0 loglevel=8\" mem=256M vcpus=2");
	assert_string_equal(cmd.image, "vmlinuz");
	assert_string_equal(cmd.initrd, "initrd.img");
	assert_string_equal(cmd.args, "console=ttyS0 loglevel=8");
	assert_true(cmd.given & SHELL_OPT_INITRD);
	parse_ok("create web hello");
	assert_string_equal(cmd.initrd, "");
	parse_bad("create k kernel=l initrd=a initrd=b", "initrd= is given twice");
	parse_bad("create k kernel=l initrd=", "bad value '' for initrd=");
	parse_bad("create k kernel=l initrd=a/b",
		  "write initrd=MODULE naming a boot module");
	parse_bad("start k initrd=m", "start takes no option 'initrd='");
}

static void test_create_multiboot_refused(void **state)
{
	parse_bad("create k mb kernel=mb", "IMAGE or kernel=MODULE, not both");
	parse_bad("create k kernel=mb mb", "IMAGE or kernel=MODULE, not both");
	parse_bad("create k kernel=mb kernel=mb", "kernel= is given twice");
	parse_bad("create k module=m", "create needs an image: IMAGE or "
		  "kernel=MODULE");
	parse_bad("create k", "usage: create NAME IMAGE|kernel=MODULE");
	parse_bad("create kernel=mb", "create needs more arguments");
	parse_bad("create k kernel=mb module=a module=b module=c module=d "
		  "module=e", "too many module= options: a Multiboot kernel "
		  "takes at most 4");
	parse_bad("create k kernel=mb args=a cmdline=b",
		  "cmdline= is args= by its Multiboot name; give one of them");
	parse_bad("create k kernel=mb cmdline=b args=a", "give one of them");
	parse_bad("create k kernel=mb cmdline=a cmdline=b", "given twice");
	parse_bad("create k kernel=a/b", "bad value 'a/b' for kernel=");
	parse_bad("create k kernel=", "bad value '' for kernel=");
	parse_bad("create k kernel=mb module=", "bad value '' for module=");
	parse_bad("create k kernel=mb module=\"a b\"",
		  "write module=MODULE naming a boot module");
	parse_bad("create k kernel=mb module=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "for module=");
	parse_bad("create k kernel=mb cmdline=\""
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "\"", "for cmdline=");
	/* they are create's (and cycle's) only */
	parse_bad("start k module=m", "start takes no option 'module='");
	parse_bad("resize k kernel=mb", "resize takes no option 'kernel='");
}

/* cycle shares create's options, the Multiboot ones too. */
static void test_cycle_multiboot(void **state)
{
	parse_ok("cycle c kernel=mb_modes module=mbmod cmdline=\"t=1\" "
		 "count=3");
	assert_int_equal(cmd.verb, SHELL_CYCLE);
	assert_string_equal(cmd.image, "mb_modes");
	assert_int_equal(cmd.module_count, 1);
	assert_string_equal(cmd.args, "t=1");
	assert_int_equal(cmd.count, 3);
	parse_bad("cycle c count=3", "cycle needs an image");
	parse_bad("cycle c mb kernel=mb", "not both");
}

static void test_sizes(void **state)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "2M", 2 * MIB }, { "16M", 16 * MIB }, { "16m", 16 * MIB },
		{ "16MiB", 16 * MIB }, { "16MB", 16 * MIB }, { "1G", GIB },
		{ "64G", 64 * GIB }, { "2048K", 2 * MIB }, { "2097152", 2 * MIB },
		{ "0x200000", 2 * MIB }, { "4096k", 4 * MIB },
	};
	static const char *const bad[] = {
		"", "0", "1M", "3M", "1K", "512K", "2097151", "65G", "128G",
		"1T", "M", "16X", "16 M", "-2M", "2M2", "0x", "16MiBs",
		"99999999999999999999", "18446744073709551615",
	};
	uint64_t v;

	for (size_t i = 0; i < TEST_ARRAY_SIZE(ok); i++) {
		if (!shell_parse_size(ok[i].s, strlen(ok[i].s), &v))
			fail_msg("size '%s' refused", ok[i].s);
		assert_int_equal(v, ok[i].v);
	}
	for (size_t i = 0; i < TEST_ARRAY_SIZE(bad); i++) {
		if (shell_parse_size(bad[i], strlen(bad[i]), &v))
			fail_msg("size '%s' accepted", bad[i]);
	}
}

static void test_cpulists(void **state)
{
	static const struct { const char *s; uint64_t mask; } ok[] = {
		{ "all", 0 }, { "0", 1 }, { "1", 2 }, { "0-3", 0xf },
		{ "0-3,6", 0x4f }, { "6,0-3", 0x4f }, { "2-2", 4 },
		{ "63", 1ULL << 63 }, { "0-63", ~0ULL }, { "1,1,1", 2 },
		{ "0x3", 8 },
	};
	static const char *const bad[] = {
		"", ",", "0,", ",0", "3-1", "64", "0-64", "a", "0-", "-1",
		"1-2-3", "ALL", "all,1", "0 1", "1;2", "0,,1",
	};
	uint64_t m;

	for (size_t i = 0; i < TEST_ARRAY_SIZE(ok); i++) {
		if (!shell_parse_cpulist(ok[i].s, strlen(ok[i].s), &m))
			fail_msg("cpu list '%s' refused", ok[i].s);
		assert_int_equal(m, ok[i].mask);
	}
	for (size_t i = 0; i < TEST_ARRAY_SIZE(bad); i++) {
		if (shell_parse_cpulist(bad[i], strlen(bad[i]), &m))
			fail_msg("cpu list '%s' accepted", bad[i]);
	}
}

static void test_names(void **state)
{
	char longest[KEEL_NAME_LEN], too_long[KEEL_NAME_LEN + 1];

	memset(longest, 'a', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	memset(too_long, 'b', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_true(shell_valid_name("a", 1));
	assert_true(shell_valid_name("A-z_0.9", 7));
	assert_true(shell_valid_name(longest, strlen(longest)));
	assert_false(shell_valid_name(too_long, strlen(too_long)));
	assert_false(shell_valid_name("", 0));
	assert_false(shell_valid_name("a b", 3));
	assert_false(shell_valid_name("a/b", 3));
	assert_false(shell_valid_name("é", strlen("é")));
}

static void test_resize_pin_sched(void **state)
{
	parse_ok("resize web mem=1G");
	assert_int_equal(cmd.verb, SHELL_RESIZE);
	assert_int_equal(cmd.given, SHELL_OPT_MEM);
	assert_int_equal(cmd.mem, GIB);
	parse_ok("resize web vcpus=3");
	assert_int_equal(cmd.given, SHELL_OPT_VCPUS);
	assert_int_equal(cmd.vcpus, 3);

	parse_ok("pin web 2 0-1");
	assert_int_equal(cmd.verb, SHELL_PIN);
	assert_int_equal(cmd.vcpu, 2);
	assert_int_equal(cmd.cpu_mask, 3);
	parse_ok("pin web 0 all");
	assert_int_equal(cmd.cpu_mask, 0);
	parse_ok("pin web 7 5");
	assert_int_equal(cmd.vcpu, 7);
	assert_int_equal(cmd.cpu_mask, 0x20);

	parse_ok("sched web prio=3");
	assert_int_equal(cmd.given, SHELL_OPT_PRIO);
	assert_int_equal(cmd.prio, 3);
	parse_ok("sched web slice=20");
	assert_int_equal(cmd.given, SHELL_OPT_SLICE);
	assert_int_equal(cmd.slice_ms, 20);
	parse_ok("sched web slice=20 prio=0");
	assert_int_equal(cmd.given, SHELL_OPT_SLICE | SHELL_OPT_PRIO);
}

static void test_help_topics(void **state)
{
	parse_ok("help");
	assert_int_equal(cmd.topic, SHELL_EMPTY);
	for (int v = SHELL_EMPTY + 1; v < SHELL_VERB_COUNT; v++) {
		char line[64];

		assert_true(strlen(shell_verb_name(v)) > 0);
		assert_true(strlen(shell_verb_summary(v)) > 0);
		/* every usage line starts with its verb */
		assert_int_equal(strncmp(shell_verb_usage(v), shell_verb_name(v),
					 strlen(shell_verb_name(v))), 0);
		snprintf(line, sizeof(line), "help %s", shell_verb_name(v));
		parse_ok(line);
		assert_int_equal(cmd.verb, SHELL_HELP);
		assert_int_equal(cmd.topic, v);
	}
	assert_string_equal(shell_verb_name(SHELL_EMPTY), "");
	assert_string_equal(shell_verb_usage(SHELL_VERB_COUNT), "");
}

/* ------------------------------------------------------------ refused */

static void test_unknown_and_arity(void **state)
{
	parse_bad("frobnicate", "unknown command 'frobnicate'; type help");
	parse_bad("LIST", "unknown command");
	parse_bad("start", "start needs more arguments; usage: start NAME");
	parse_bad("create web", "usage: create NAME IMAGE");
	parse_bad("pin web 1", "usage: pin NAME VCPU CPULIST");
	parse_bad("start a b", "too many arguments for start at 'b'");
	parse_bad("list extra", "too many arguments for list");
	parse_bad("reboot now", "too many arguments");
	parse_bad("help nosuch", "there is no command 'nosuch'");
	parse_bad("help list info", "too many arguments");
	parse_bad("resize web", "either mem= or vcpus=");
	parse_bad("resize web mem=16M vcpus=2", "either mem= or vcpus=");
	parse_bad("sched web", "sched needs prio= or slice=");
}

static void test_bad_options(void **state)
{
	parse_bad("create w h mem=0", "bad size '0'");
	parse_bad("create w h mem=3M", "multiples of 2 MiB");
	parse_bad("create w h mem=65G", "from 2M to 64G");
	parse_bad("create w h mem=lots", "write mem=SIZE");
	parse_bad("create w h maxmem=1M", "write maxmem=SIZE");
	parse_bad("create w h mem=32M maxmem=16M", "maxmem= is below mem=");
	parse_bad("create w h vcpus=0", "bad value '0' for vcpus=");
	parse_bad("create w h vcpus=9", "from 1 to 8");
	parse_bad("create w h vcpus=", "bad value '' for vcpus=");
	parse_bad("create w h prio=32", "from 0 to 31");
	parse_bad("create w h prio=-1", "prio=P");
	parse_bad("create w h slice=0", "from 1 to 100");
	parse_bad("create w h slice=101", "from 1 to 100");
	parse_bad("create w h cpus=", "cpus=LIST");
	parse_bad("create w h cpus=2-1", "cpus=0-3,6");
	parse_bad("create w h mem=16M mem=32M", "mem= is given twice");
	parse_bad("create w h color=red", "create takes no option 'color='");
	parse_bad("start w mem=16M", "start takes no option 'mem='");
	parse_bad("resize w prio=1", "resize takes no option 'prio='");
	parse_bad("sched w mem=2M", "sched takes no option");
	parse_bad("list --yaml", "list has no flag '--yaml'");
	parse_bad("start w --json", "start has no flag '--json'");
	parse_bad("pin w 8 0", "bad vCPU '8'");
	parse_bad("pin w x 0", "bad vCPU 'x'");
	parse_bad("pin w 0 0-99", "bad CPU list '0-99'");
	parse_bad("resize w vcpus=0", "vcpus=N with N from 1 to 8");
}

static void test_bad_names(void **state)
{
	char line[128];

	parse_bad("create a/b hello", "'a/b' cannot be a VM name");
	parse_bad("create \"a b\" hello", "'a b' cannot be a VM name");
	snprintf(line, sizeof(line), "create %s hello",
		 "abcdefghijklmnopqrstuvwxyz0123456");
	parse_bad(line, "cannot be a VM name: use 1-31 of");
	snprintf(line, sizeof(line), "start %s",
		 "abcdefghijklmnopqrstuvwxyz0123456");
	parse_bad(line, "no VM named 'abcdefghijklmnopqrstuvwxyz0123456'");
	snprintf(line, sizeof(line), "create ok %s",
		 "abcdefghijklmnopqrstuvwxyz0123456");
	parse_bad(line, "no image named");
	parse_bad("start \"\"", "no VM named ''");
	parse_bad("create w h args=\"" /* 128 characters: one too many */
		  "0123456789012345678901234567890123456789012345678901234567890123"
		  "0123456789012345678901234567890123456789012345678901234567890123"
		  "\"", "at most 127 characters");
}

static void test_line_shape(void **state)
{
	char line[SHELL_LINE_MAX + 2];

	parse_bad("create w h args=\"open", "a quote is not closed");
	parse_bad("list\x01", "control or non-ASCII character at column 5");
	parse_bad("list \x7f", "column 6");
	parse_bad("list \xc3\xa9", "non-ASCII");
	parse_bad("a b c d e f g h i j k l m n o p q", "more than 16 words");
	/* exactly the longest line, then one more character */
	memset(line, ' ', sizeof(line));
	memcpy(line, "list", 4);
	line[SHELL_LINE_MAX] = '\0';
	parse_ok(line);
	assert_int_equal(cmd.verb, SHELL_LIST);
	line[SHELL_LINE_MAX] = ' ';
	line[SHELL_LINE_MAX + 1] = '\0';
	parse_bad(line, "longer than 256 characters");
}

/* A long word is cut in the message, which still fits and ends. */
static void test_long_echo(void **state)
{
	char line[SHELL_LINE_MAX + 1];

	memset(line, 'x', SHELL_LINE_MAX);
	line[SHELL_LINE_MAX] = '\0';
	parse_bad(line, "unknown command 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx';");
	/* a tiny buffer is still terminated */
	assert_int_equal(shell_parse("nonsense", &cmd, err, 8), -KEEL_EINVAL);
	assert_int_equal(strlen(err), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_lines),
		cmocka_unit_test(test_simple_verbs),
		cmocka_unit_test(test_json_flag),
		cmocka_unit_test(test_vm_verbs),
		cmocka_unit_test(test_create_defaults),
		cmocka_unit_test(test_create_all_options),
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_create_multiboot),
		cmocka_unit_test(test_create_multiboot_refused),
		cmocka_unit_test(test_create_linux),
		cmocka_unit_test(test_cycle_multiboot),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cpulists),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_resize_pin_sched),
		cmocka_unit_test(test_help_topics),
		cmocka_unit_test(test_unknown_and_arity),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_line_shape),
		cmocka_unit_test(test_long_echo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/* core/config.c: the keel.cfg grammar of include/core/config.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"

#include <core/config.h>
#include <keel/abi.h>

#define MIB (1ULL << 20)
#define GIB (1ULL << 30)

static struct config cfg;
static struct config_error err;

static int parse_len(const char *text, size_t len)
{
	memset(&cfg, 0xa5, sizeof(cfg));	/* the parser must set it all */
	memset(&err, 0xa5, sizeof(err));
	return config_parse(text, len, &cfg, &err);
}

static int parse(const char *text)
{
	return parse_len(text, strlen(text));
}

static void parse_ok(const char *text)
{
	int rc = parse(text);

	if (rc)
		fail_msg("line %u: %s", err.line, err.message);
	assert_int_equal(err.line, 0);
	assert_string_equal(err.message, "");
}

/* The error is on line and its message contains every given fragment. */
static void check_error_len(const char *text, size_t len, unsigned int line,
			    const char *fragment)
{
	assert_int_equal(parse_len(text, len), -KEEL_EINVAL);
	if (err.line != line || !strstr(err.message, fragment))
		fail_msg("want line %u '%s', got line %u '%s'", line, fragment,
			 err.line, err.message);
	assert_non_null(memchr(err.message, '\0', sizeof(err.message)));
}

static void check_error(const char *text, unsigned int line,
			const char *fragment)
{
	check_error_len(text, strlen(text), line, fragment);
}

/* ------------------------------------------------------------ accepted */

static void test_empty_and_defaults(void **state)
{
	parse_ok("");
	assert_string_equal(cfg.hypervisor, CONFIG_DEFAULT_HYPERVISOR);
	assert_string_equal(cfg.cmdline, "");
	assert_int_equal(cfg.module_count, 0);
	assert_int_equal(cfg.vm_count, 0);
	parse_ok("\n\n   \n\t\n# only a comment\n   # indented comment\n");
	assert_int_equal(cfg.vm_count, 0);
}

static void test_full_grammar(void **state)
{
	parse_ok("# Keel boot configuration\n"
		 "hypervisor /keel/keel-debug.elf\n"
		 "cmdline log=debug smp=2\n"
		 "module mgmt /keel/mgmt.elf\n"
		 "module linux \\EFI\\keel\\bzImage\n"
		 "vm mgmt image=mgmt\n"
		 "vm guest-1.a image=linux mem=64M cpu=1 args=\"console=ttyS0 quiet\"\n");
	assert_string_equal(cfg.hypervisor, "/keel/keel-debug.elf");
	assert_string_equal(cfg.cmdline, "log=debug smp=2");
	assert_int_equal(cfg.module_count, 2);
	assert_string_equal(cfg.modules[0].name, "mgmt");
	assert_string_equal(cfg.modules[0].path, "/keel/mgmt.elf");
	assert_string_equal(cfg.modules[1].path, "\\EFI\\keel\\bzImage");
	assert_int_equal(cfg.vm_count, 2);
	assert_string_equal(cfg.vms[0].name, "mgmt");
	assert_string_equal(cfg.vms[0].image, "mgmt");
	assert_int_equal(cfg.vms[0].mem, CONFIG_DEFAULT_VM_MEM);
	assert_int_equal(cfg.vms[0].cpu, 0);
	assert_string_equal(cfg.vms[0].args, "");
	assert_string_equal(cfg.vms[1].name, "guest-1.a");
	assert_string_equal(cfg.vms[1].image, "linux");
	assert_int_equal(cfg.vms[1].mem, 64 * MIB);
	assert_int_equal(cfg.vms[1].cpu, 1);
	assert_string_equal(cfg.vms[1].args, "console=ttyS0 quiet");
	assert_ptr_equal(config_find_module(&cfg, "linux"), &cfg.modules[1]);
	assert_null(config_find_module(&cfg, "nope"));
	assert_null(config_find_module(&cfg, "linu"));
}

static void test_quotes_and_comments(void **state)
{
	parse_ok("hypervisor \"/my dir/keel.elf\"   # trailing comment\n"
		 "module \"m\" \"/a # not a comment.elf\"#comment\n"
		 "vm v image=\"m\" args=\"a=b # c\" mem=\"4M\"\n"
		 "vm w image=m args=\"\"\n");
	assert_string_equal(cfg.hypervisor, "/my dir/keel.elf");
	assert_string_equal(cfg.modules[0].name, "m");
	assert_string_equal(cfg.modules[0].path, "/a # not a comment.elf");
	assert_string_equal(cfg.vms[0].args, "a=b # c");
	assert_int_equal(cfg.vms[0].mem, 4 * MIB);
	assert_string_equal(cfg.vms[1].args, "");
}

static void test_cmdline_is_raw_text(void **state)
{
	parse_ok("cmdline   a=1\t b=\"x y\"  c  # comment\n");
	assert_string_equal(cfg.cmdline, "a=1\t b=\"x y\"  c");
	parse_ok("cmdline\n");
	assert_string_equal(cfg.cmdline, "");
	/* more words than any other statement has: still one cmdline */
	parse_ok("cmdline 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n");
	assert_string_equal(cfg.cmdline, "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20");
}

static void test_crlf_and_no_trailing_newline(void **state)
{
	parse_ok("module m /m.elf\r\nvm v image=m mem=32M\r\ncmdline x y\r\n");
	assert_string_equal(cfg.modules[0].path, "/m.elf");
	assert_int_equal(cfg.vms[0].mem, 32 * MIB);
	assert_string_equal(cfg.cmdline, "x y");
	parse_ok("module m /m.elf\nvm v image=m cpu=3");
	assert_int_equal(cfg.vms[0].cpu, 3);
	/* every vm option on one line (the hostile suite found 6 was the limit) */
	parse_ok("module m /m.elf\nvm v image=m mem=32M maxmem=64M vcpus=2 "
		 "cpus=0-1 cpu=1 prio=9 slice=5 args=\"x\" role=mgmt\n");
	assert_int_equal(cfg.vms[0].slice_ms, 5);
	parse_ok("module m /m.elf\r\nvm v image=m args=\"q\"\r");
	assert_string_equal(cfg.vms[0].args, "q");
}

static void test_sizes(void **state)
{
	static const struct {
		const char *mem;
		uint64_t bytes;
	} sizes[] = {
		{ "2M", 2 * MIB }, { "2MiB", 2 * MIB }, { "2mb", 2 * MIB },
		{ "1G", GIB }, { "64G", 64 * GIB }, { "4096K", 4 * MIB },
		{ "2097152", 2 * MIB }, { "0x200000", 2 * MIB },
	};
	char text[128];

	for (unsigned int i = 0; i < TEST_ARRAY_SIZE(sizes); i++) {
		strcpy(text, "module m /m\nvm v image=m mem=");
		strcat(text, sizes[i].mem);
		parse_ok(text);
		assert_int_equal(cfg.vms[0].mem, sizes[i].bytes);
	}
}

/* A Multiboot kernel: kernel=, module= (in order), cmdline=. */
static void test_multiboot_vm(void **state)
{
	parse_ok("module k /k.bin\nmodule a /a.txt\nmodule b /b.txt\n"
		 "vm mb kernel=k module=a module=b cmdline=\"x=1 y\"\n");
	assert_string_equal(cfg.vms[0].image, "k");
	assert_int_equal(cfg.vms[0].module_count, 2);
	assert_string_equal(cfg.vms[0].modules[0], "a");
	assert_string_equal(cfg.vms[0].modules[1], "b");
	assert_string_equal(cfg.vms[0].args, "x=1 y");
	check_error("module k /k\nvm v kernel=k image=k\n", 2, "give one");
	/* on_reboot=: stop by default, restart, nothing else */
	assert_int_equal(cfg.vms[0].on_reboot, VM_ON_REBOOT_STOP);
	parse_ok("module k /k\nvm v kernel=k on_reboot=restart\n");
	assert_int_equal(cfg.vms[0].on_reboot, VM_ON_REBOOT_RESTART);
	parse_ok("module k /k\nvm v kernel=k on_reboot=stop\n");
	assert_int_equal(cfg.vms[0].on_reboot, VM_ON_REBOOT_STOP);
	check_error("module k /k\nvm v kernel=k on_reboot=poweroff\n", 2,
		    "write on_reboot=restart or on_reboot=stop");
	check_error("module k /k\nvm v kernel=k args=a cmdline=b\n", 2,
		    "give one");
	check_error("module k /k\nvm v kernel=k module=z\n", 2,
		    "module 'z' is not a module");
	check_error("module k /k\nvm v kernel=k module=k module=k module=k "
		    "module=k module=k\n", 2, "too many module=");
}

/* A Linux kernel: kernel=, initrd=, cmdline=; the initrd must be a module. */
static void test_linux_vm(void **state)
{
	parse_ok("module vmlinuz /vmlinuz\nmodule initrd.img /initrd.img\n"
		 "vm lx kernel=vmlinuz initrd=initrd.img cmdline=\"console=ttyS0\" "
		 "vcpus=2 mem=256M\n");
	assert_string_equal(cfg.vms[0].image, "vmlinuz");
	assert_string_equal(cfg.vms[0].initrd, "initrd.img");
	assert_int_equal(cfg.vms[0].module_count, 0);
	assert_string_equal(cfg.vms[0].args, "console=ttyS0");
	check_error("module k /k\nvm v kernel=k initrd=z\n", 2,
		    "initrd 'z' is not a module");
	check_error("module k /k\nvm v kernel=k initrd=k initrd=k\n", 2,
		    "given twice");
	check_error("module k /k\nvm v kernel=k initrd=a/b\n", 2, "initrd=");
}

static void test_module_after_vm(void **state)
{
	parse_ok("vm v image=late\nmodule late /late.elf\n");
	assert_string_equal(cfg.vms[0].image, "late");
}

static void test_limits_accepted(void **state)
{
	char text[8192] = "";
	char line[160];
	char name[32];

	/* names of 31 characters and paths of BOOT_PATH_LEN - 1 bytes */
	memset(name, 'n', 31);
	name[31] = '\0';
	strcpy(text, "module ");
	strcat(text, name);
	strcat(text, " /");
	memset(line, 'p', BOOT_PATH_LEN - 2);
	line[BOOT_PATH_LEN - 2] = '\0';
	strcat(text, line);
	strcat(text, "\nvm ");
	strcat(text, name);
	strcat(text, " image=");
	strcat(text, name);
	strcat(text, " args=\"");
	memset(line, 'a', CONFIG_ARGS_LEN - 1);
	line[CONFIG_ARGS_LEN - 1] = '\0';
	strcat(text, line);
	strcat(text, "\"\n");
	parse_ok(text);
	assert_int_equal(strlen(cfg.modules[0].path), BOOT_PATH_LEN - 1);
	assert_int_equal(strlen(cfg.vms[0].args), CONFIG_ARGS_LEN - 1);
	assert_string_equal(cfg.vms[0].name, name);

	/* the most modules and vms there may be */
	text[0] = '\0';
	for (int i = 0; i < CONFIG_MAX_MODULES; i++) {
		sprintf(line, "module m%d /m%d.elf\n", i, i);
		strcat(text, line);
	}
	for (int i = 0; i < CONFIG_MAX_VMS; i++) {
		sprintf(line, "vm v%d image=m%d cpu=%d\n", i,
			i % CONFIG_MAX_MODULES, i);
		strcat(text, line);
	}
	parse_ok(text);
	assert_int_equal(cfg.module_count, CONFIG_MAX_MODULES);
	assert_int_equal(cfg.vm_count, CONFIG_MAX_VMS);
	assert_int_equal(cfg.vms[CONFIG_MAX_VMS - 1].cpu, CONFIG_MAX_VMS - 1);

	/* the longest command line */
	strcpy(text, "cmdline ");
	memset(text + 8, 'c', BOOT_CMDLINE_LEN - 1);
	text[8 + BOOT_CMDLINE_LEN - 1] = '\0';
	parse_ok(text);
	assert_int_equal(strlen(cfg.cmdline), BOOT_CMDLINE_LEN - 1);
}

static void test_null_err_allowed(void **state)
{
	const char *bad = "vm\n";

	assert_int_equal(config_parse(bad, strlen(bad), &cfg, NULL), -KEEL_EINVAL);
	assert_int_equal(config_parse("", 0, &cfg, NULL), 0);
}

/* -------------------------------------------------------------- errors */

static void test_unknown_statement(void **state)
{
	check_error("\n\nfoo bar\n", 3, "unknown statement 'foo'");
	check_error("module m /m\nVM v image=m\n", 2, "unknown statement 'VM'");
	check_error("image=m\n", 1, "use hypervisor, cmdline, module, vm or console");
}

static void test_statement_arity(void **state)
{
	check_error("hypervisor\n", 1, "hypervisor takes one path");
	check_error("hypervisor /a /b\n", 1, "hypervisor takes one path");
	check_error("module m\n", 1, "module takes a name and a path");
	check_error("module m /a /b\n", 1, "module takes a name and a path");
	check_error("module\n", 1, "module takes a name and a path");
	check_error("vm\n", 1, "vm needs a name");
	check_error("module m /m\nvm v\n", 2, "vm needs image=MODULE");
	check_error("module m /m\nvm v mem=4M\n", 2, "vm needs image=MODULE");
	check_error("vm v a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10 k=11 l=12 m=13 n=14 o=15\n",
		    1, "too many words");
}

static void test_bad_names(void **state)
{
	check_error("module bad/name /m\n", 1, "'bad/name' is not a name");
	check_error("module \"\" /m\n", 1, "'' is not a name");
	check_error("module \"a b\" /m\n", 1, "is not a name");
	check_error("module m /m\nvm v! image=m\n", 2, "vm name 'v!' is not a name");
	check_error("module m /m\nvm v image=m/x\n", 2, "image='m/x' is not a name");
	/* 32 characters: one too many, and the message cuts it short */
	check_error("module aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa /m\n", 1,
		    "'aaaaaaaaaaaaaaaaaaaaaaaa...' is not a name");
}

static void test_bad_paths(void **state)
{
	char text[256];

	strcpy(text, "module m /");
	memset(text + 10, 'p', BOOT_PATH_LEN - 1);
	strcpy(text + 10 + BOOT_PATH_LEN - 1, "\n");
	check_error(text, 1, "path is too long: at most 95 bytes");
	check_error("hypervisor \"\"\n", 1, "empty path");
	check_error("module m \"\"\n", 1, "empty path");
	check_error("module m /caf\xc3\xa9.elf\n", 1, "not printable ASCII");
}

static void test_bad_quotes(void **state)
{
	check_error("hypervisor \"/a\n", 1, "unterminated '\"'");
	check_error("module m /m\nvm v image=m args=\"x\n", 2, "unterminated");
	check_error("hypervisor /a\"b\"\n", 1, "may only start a value");
	check_error("hypervisor \"/a\"b\n", 1, "must end the value");
	check_error("module m /m\nvm v image=m args=\"x\"y\n", 2,
		    "must end the value");
	check_error("cmdline a=\"b\n", 1, "unterminated");
	/* a CRLF does not hide inside an open quote */
	check_error("hypervisor \"/a\r\nmodule m /m\r\n", 1, "unterminated");
}

static void test_bad_vm_options(void **state)
{
	check_error("module m /m\nvm v image=m speed=9\n", 2,
		    "unknown vm option 'speed'");
	check_error("module m /m\nvm v image=m stray\n", 2,
		    "'stray' is not an option");
	check_error("module m /m\nvm v image=m mem=4M mem=8M\n", 2,
		    "vm option 'mem' is given twice");
	check_error("module m /m\nvm v image=m image=m\n", 2, "given twice");
	check_error("module m /m\nvm v image=m cpu=x\n", 2,
		    "cpu=x is not a CPU number");
	check_error("module m /m\nvm v image=m cpu=4294967296\n", 2,
		    "is not a CPU number");
	check_error("module m /m\nvm v image=m cpu=-1\n", 2, "not a CPU number");
}

static void test_bad_mem(void **state)
{
	check_error("module m /m\nvm v image=m mem=lots\n", 2,
		    "mem=lots is not a size");
	check_error("module m /m\nvm v image=m mem=\n", 2, "mem= is not a size");
	check_error("module m /m\nvm v image=m mem=1M\n", 2,
		    "mem=1M is out of range; use 2M to 64G");
	check_error("module m /m\nvm v image=m mem=0\n", 2, "out of range");
	check_error("module m /m\nvm v image=m mem=65G\n", 2, "out of range");
	check_error("module m /m\nvm v image=m mem=64G1\n", 2, "not a size");
	check_error("module m /m\nvm v image=m mem=99999999999T\n", 2,
		    "not a size");
	check_error("module m /m\nvm v image=m mem=3M\n", 2,
		    "mem=3M is not a multiple of 2M");
	check_error("module m /m\nvm v image=m mem=0x201000\n", 2,
		    "not a multiple of 2M");
}

static void test_prio_and_slice(void **state)
{
	parse_ok("module m /m\nvm a image=m\nvm b image=m prio=31 slice=100\n"
		 "vm c image=m prio=0 slice=1\n");
	assert_int_equal(cfg.vms[0].prio, CONFIG_DEFAULT_VM_PRIO);
	assert_int_equal(cfg.vms[0].slice_ms, CONFIG_DEFAULT_VM_SLICE_MS);
	assert_int_equal(cfg.vms[1].prio, 31);
	assert_int_equal(cfg.vms[1].slice_ms, 100);
	assert_int_equal(cfg.vms[2].prio, 0);
	assert_int_equal(cfg.vms[2].slice_ms, 1);

	check_error("module m /m\nvm v image=m prio=32\n", 2,
		    "prio=32 is not a priority; use 0 (lowest) to 31");
	check_error("module m /m\nvm v image=m prio=high\n", 2,
		    "not a priority");
	check_error("module m /m\nvm v image=m slice=0\n", 2,
		    "slice=0 is not a time slice; use 1 to 100 (ms)");
	check_error("module m /m\nvm v image=m slice=101\n", 2,
		    "not a time slice");
	check_error("module m /m\nvm v image=m slice=10ms\n", 2,
		    "not a time slice");
	check_error("module m /m\nvm v image=m prio=1 prio=2\n", 2,
		    "vm option 'prio' is given twice");
}

static void test_cpu_lists(void **state)
{
	parse_ok("module m /m\nvm a image=m\nvm b image=m cpu=3\n"
		 "vm c image=m cpus=1-2,5\nvm d image=m cpus=all cpu=7\n"
		 "vm e image=m cpus=4\n");
	assert_int_equal(cfg.vms[0].cpu, 0);
	assert_true(cfg.vms[0].cpus == 1);
	assert_true(cfg.vms[1].cpus == 1ull << 3);
	assert_int_equal(cfg.vms[2].cpu, 1);
	assert_true(cfg.vms[2].cpus == 0x26);
	assert_int_equal(cfg.vms[3].cpu, 7);
	/* all: the CPUs that run, as VM_CREATE's cpus 0 */
	assert_true(cfg.vms[3].cpus == VM_DESC_CPUS_ALL);
	assert_int_equal(cfg.vms[4].cpu, 4);
	assert_int_equal(cfg.vms[4].vcpus, 1);

	parse_ok("module m /m\nvm a image=m vcpus=8\n");
	assert_int_equal(cfg.vms[0].vcpus, 8);
	check_error("module m /m\nvm v image=m vcpus=0\n", 2,
		    "vcpus=0 is not a vCPU count; use 1 to 8");
	check_error("module m /m\nvm v image=m vcpus=9\n", 2, "not a vCPU count");
	check_error("module m /m\nvm v image=m cpus=2-1\n", 2,
		    "cpus=2-1 is not a CPU list; write e.g. cpus=0-3,6 or all");
	check_error("module m /m\nvm v image=m cpus=64\n", 2, "not a CPU list");
	check_error("module m /m\nvm v image=m cpus=1,\n", 2, "not a CPU list");
	check_error("module m /m\nvm v image=m cpus=,1\n", 2, "not a CPU list");
	check_error("module m /m\nvm v image=m cpus=\n", 2, "not a CPU list");
	check_error("module m /m\nvm v image=m cpus=1-\n", 2, "not a CPU list");
	check_error("module m /m\nvm v image=m cpus=0-1 cpu=2\n", 2,
		    "cpu= must be one of the CPUs in cpus=");
	check_error("module m /m\nvm v image=m cpu=64\n", 2,
		    "cpu= must be one of the CPUs in cpus=");
}

static void test_bad_args(void **state)
{
	char text[512];

	strcpy(text, "module m /m\nvm v image=m args=\"");
	memset(text + strlen(text), 'a', CONFIG_ARGS_LEN);
	strcpy(text + strlen("module m /m\nvm v image=m args=\"") +
	       CONFIG_ARGS_LEN, "\"\n");
	check_error(text, 2, "args is too long: at most 127 bytes");
}

static void test_duplicates(void **state)
{
	check_error("module a /a\n\nmodule a /b\n", 3,
		    "module 'a' is already defined on line 1");
	check_error("module m /m\nvm v image=m\n# x\nvm v image=m\n", 4,
		    "vm 'v' is already defined on line 2");
	check_error("hypervisor /a\nhypervisor /b\n", 2, "hypervisor is set twice");
	check_error("cmdline a\ncmdline b\n", 2, "cmdline is set twice");
	/* a vm may share its module's name */
	parse_ok("module x /x\nvm x image=x\n");
}

static void test_unknown_image(void **state)
{
	check_error("module m /m\n\nvm v image=n\nvm w image=m\n", 3,
		    "vm 'v': image 'n' is not a module");
	check_error("vm a image=m\nvm b image=x\nmodule m /m\n", 2,
		    "image 'x' is not a module");
	/* the longest names still fit the message whole */
	check_error("vm vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv "
		    "image=iiiiiiiiiiiiiiiiiiiiiiiiiiiiiii\n", 1,
		    "vm 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv': image "
		    "'iiiiiiiiiiiiiiiiiiiiiiiiiiiiiii' is not a module");
}

static void test_too_many(void **state)
{
	char text[8192] = "";
	char line[64];

	for (int i = 0; i <= CONFIG_MAX_MODULES; i++) {
		sprintf(line, "module m%d /m\n", i);
		strcat(text, line);
	}
	check_error(text, CONFIG_MAX_MODULES + 1, "too many modules: at most 16");
	strcpy(text, "module m /m\n");
	for (int i = 0; i <= CONFIG_MAX_VMS; i++) {
		sprintf(line, "vm v%d image=m\n", i);
		strcat(text, line);
	}
	check_error(text, CONFIG_MAX_VMS + 2, "too many vms: at most 32");
}

static void test_cmdline_too_long(void **state)
{
	char text[512];

	strcpy(text, "cmdline ");
	memset(text + 8, 'c', BOOT_CMDLINE_LEN);
	strcpy(text + 8 + BOOT_CMDLINE_LEN, "\n");
	check_error(text, 1, "cmdline is too long: at most 255 bytes");
}

static void test_bad_bytes(void **state)
{
	static const char nul[] = "module m /m\nvm v image=m\0\n";
	static const char nul_first[] = "\0";

	check_error_len(nul, sizeof(nul) - 1, 2, "NUL byte");
	check_error_len(nul_first, 1, 1, "NUL byte");
	check_error("module m /m\rvm v image=m\n", 1, "stray carriage return");
	check_error("# ok\n\x1b[31m\n", 2, "control character");
	check_error("cmdline a\x7f", 1, "control character");	/* DEL */
	check_error("cmdline a\x01b", 1, "control character");
	/* UTF-8 is fine in free text */
	parse_ok("cmdline name=caf\xc3\xa9");
}

static void test_line_numbers_count_every_line(void **state)
{
	check_error("\n# c\n\r\n  \nmodule\n", 5, "module takes");
	check_error("module m /m\r\n\r\nvm v image=m mem=1\r\n", 3, "mem=1");
}

/* The parser reads exactly len bytes, whatever follows them. */
static void test_reads_only_len(void **state)
{
	const char *text = "module m /m\nvm v image=m\nGARBAGE";
	char *copy = malloc(25);

	memcpy(copy, text, 25);	/* "module m /m\nvm v image=m\n" */
	assert_int_equal(config_parse(copy, 25, &cfg, &err), 0);
	assert_int_equal(config_parse(copy, 24, &cfg, &err), 0);
	assert_int_equal(config_parse(copy, 20, &cfg, &err), -KEEL_EINVAL);
	free(copy);
}

/* ------------------------------------------------------------- console */

static void test_console(void **state)
{
	parse_ok("");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_AUTO);
	assert_int_equal(cfg.console.baud, 0);
	assert_int_equal(cfg.console.width, 0);

	parse_ok("console com1\n");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_IO);
	assert_int_equal(cfg.console.address, 0x3f8);
	assert_int_equal(cfg.console.baud, 0);
	parse_ok("console com2 baud=9600\n");
	assert_int_equal(cfg.console.address, 0x2f8);
	assert_int_equal(cfg.console.baud, 9600);
	parse_ok("console com3\n");
	assert_int_equal(cfg.console.address, 0x3e8);
	parse_ok("console \"com4\" baud=\"115200\"  # quoted\n");
	assert_int_equal(cfg.console.address, 0x2e8);
	assert_int_equal(cfg.console.baud, 115200);
	parse_ok("console io=0xe010 baud=57600\n");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_IO);
	assert_int_equal(cfg.console.address, 0xe010);
	parse_ok("console io=1016\n");
	assert_int_equal(cfg.console.address, 0x3f8);
	parse_ok("console io=0xfff8\n");
	parse_ok("console mmio=0xfe030000 width=4 baud=115200\n");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_MMIO);
	assert_int_equal(cfg.console.address, 0xfe030000);
	assert_int_equal(cfg.console.width, 4);
	parse_ok("console mmio=0xfffffffffffff baud=300 width=2\n");
	assert_int_equal(cfg.console.address, 0xfffffffffffffULL);
	assert_int_equal(cfg.console.width, 2);
	assert_int_equal(cfg.console.baud, 300);
	parse_ok("console pci=02:00.1\n");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_PCI);
	assert_int_equal(cfg.console.pci_bus, 2);
	assert_int_equal(cfg.console.pci_dev, 0);
	assert_int_equal(cfg.console.pci_func, 1);
	parse_ok("console pci=ff:1F.7 width=1\n");
	assert_int_equal(cfg.console.pci_bus, 0xff);
	assert_int_equal(cfg.console.pci_dev, 0x1f);
	assert_int_equal(cfg.console.pci_func, 7);
	assert_int_equal(cfg.console.width, 1);
	parse_ok("console pci=0:5.0\n");
	assert_int_equal(cfg.console.pci_dev, 5);
	parse_ok("console spcr\n");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_SPCR);
	parse_ok("console spcr baud=19200\n");
	assert_int_equal(cfg.console.baud, 19200);
	parse_ok("console none\n");
	assert_int_equal(cfg.console.kind, CONFIG_CONSOLE_NONE);
	/* among the other statements, anywhere */
	parse_ok("module m /m.elf\nconsole com2\nvm v image=m\n");
	assert_int_equal(cfg.console.address, 0x2f8);
	assert_int_equal(cfg.vm_count, 1);
}

static void test_bad_console(void **state)
{
	check_error("console\n", 1, "console needs a port");
	check_error("console com5\n", 1, "console 'com5' is unknown");
	check_error("console COM1\n", 1, "is unknown; use com1-com4");
	check_error("console com1\nconsole com2\n", 2,
		    "console is set twice");
	check_error("console io=0\n", 1, "io=0 is not an I/O port");
	check_error("console io=0xfff9\n", 1, "is not an I/O port");
	check_error("console io=0x10000\n", 1, "is not an I/O port");
	check_error("console io=port\n", 1, "is not an I/O port");
	check_error("console io=\n", 1, "is not an I/O port");
	check_error("console mmio=0\n", 1, "is not a physical address");
	check_error("console mmio=0x10000000000000\n", 1,
		    "is not a physical address");
	check_error("console mmio=-1\n", 1, "is not a physical address");
	check_error("console pci=2:0\n", 1, "is not bus:device.function");
	check_error("console pci=02:20.0\n", 1, "is not bus:device.function");
	check_error("console pci=02:00.8\n", 1, "is not bus:device.function");
	check_error("console pci=100:00.0\n", 1, "is not bus:device.function");
	check_error("console pci=02:00.0x\n", 1, "is not bus:device.function");
	check_error("console pci=02-00.0\n", 1, "is not bus:device.function");
	check_error("console pci=\n", 1, "is not bus:device.function");
	check_error("console com1 baud=14400\n", 1,
		    "baud=14400 is not a 16550 rate");
	check_error("console com1 baud=0\n", 1, "is not a 16550 rate");
	check_error("console com1 baud=fast\n", 1, "is not a 16550 rate");
	check_error("console com1 baud=9600 baud=9600\n", 1,
		    "baud is given twice");
	check_error("console com1 width=4\n", 1,
		    "width= is for mmio= and pci= consoles only");
	check_error("console mmio=0x1000 width=8\n", 1,
		    "width=8 is not a register width");
	check_error("console mmio=0x1000 width=4 width=4\n", 1,
		    "width is given twice");
	check_error("console com1 speed=9600\n", 1,
		    "unknown console option 'speed'");
	check_error("console com1 fast\n", 1,
		    "'fast' is not a console option");
	check_error("console none baud=9600\n", 1,
		    "console none takes no options");
	check_error("consol com1\n", 1, "unknown statement 'consol'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_defaults),
		cmocka_unit_test(test_full_grammar),
		cmocka_unit_test(test_quotes_and_comments),
		cmocka_unit_test(test_cmdline_is_raw_text),
		cmocka_unit_test(test_crlf_and_no_trailing_newline),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_module_after_vm),
		cmocka_unit_test(test_multiboot_vm),
		cmocka_unit_test(test_linux_vm),
		cmocka_unit_test(test_limits_accepted),
		cmocka_unit_test(test_null_err_allowed),
		cmocka_unit_test(test_unknown_statement),
		cmocka_unit_test(test_statement_arity),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_bad_paths),
		cmocka_unit_test(test_bad_quotes),
		cmocka_unit_test(test_bad_vm_options),
		cmocka_unit_test(test_bad_mem),
		cmocka_unit_test(test_prio_and_slice),
		cmocka_unit_test(test_cpu_lists),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_unknown_image),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_cmdline_too_long),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_line_numbers_count_every_line),
		cmocka_unit_test(test_console),
		cmocka_unit_test(test_bad_console),
		cmocka_unit_test(test_reads_only_len),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}

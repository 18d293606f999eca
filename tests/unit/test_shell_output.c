// SPDX-License-Identifier: MIT
/*
 * guests/mgmt/json.c, show.c and out_text.c: what the shell prints. The
 * JSON lines must be valid JSON whatever the names contain.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

#include <keel/abi.h>

#include "json.h"
#include "out.h"
#include "out_capture.h"
#include "show.h"


static int setup(void **state)
{
	screen_clear();
	return 0;
}

static void test_json_nesting(void **state)
{
	struct json j;

	json_begin(&j);
	json_array(&j, "vms");
	json_object(&j, NULL);
	json_u64(&j, "id", 1);
	json_string(&j, "name", "mgmt");
	json_bool(&j, "mgmt", true);
	json_end(&j);
	json_object(&j, NULL);
	json_u64(&j, "id", 18446744073709551615ULL);
	json_bool(&j, "mgmt", false);
	json_object(&j, "exits");
	json_end(&j);
	json_end(&j);
	json_end(&j);
	json_end(&j);
	assert_string_equal(screen,
		"{\"vms\": [{\"id\": 1, \"name\": \"mgmt\", \"mgmt\": true}, "
		"{\"id\": 18446744073709551615, \"mgmt\": false, "
		"\"exits\": {}}]}\n");
	json_end(&j);			/* one too many: nothing */
	assert_int_equal(screen[screen_len - 1], '\n');
}

static void test_json_empty(void **state)
{
	struct json j;

	json_begin(&j);
	json_array(&j, "vms");
	json_end(&j);
	json_end(&j);
	assert_string_equal(screen, "{\"vms\": []}\n");
}

static void test_json_escapes(void **state)
{
	struct json j;

	json_begin(&j);
	json_string(&j, "s", "a\"b\\c\n\x01\x7f\xc3\xa9/");
	json_end(&j);
	assert_string_equal(screen, "{\"s\": \"a\\\"b\\\\c\\u000a\\u0001"
				    "\\u007f\\u00c3\\u00a9/\"}\n");
}

static void test_json_depth_limit(void **state)
{
	struct json j;

	json_begin(&j);
	for (int i = 0; i < JSON_DEPTH_MAX + 3; i++)
		json_array(&j, i ? NULL : "deep");
	for (int i = 0; i < JSON_DEPTH_MAX + 3; i++)
		json_end(&j);
	/* the writer never indexes past its stack; the line still ends */
	assert_int_equal(screen[screen_len - 1], '\n');
}

static void test_names(void **state)
{
	assert_string_equal(show_vm_state(KEEL_VM_CREATED), "created");
	assert_string_equal(show_vm_state(KEEL_VM_RUNNING), "running");
	assert_string_equal(show_vm_state(KEEL_VM_PAUSED), "paused");
	assert_string_equal(show_vm_state(KEEL_VM_HALTED), "halted");
	assert_string_equal(show_vm_state(KEEL_VM_OFF), "off");
	assert_string_equal(show_vm_state(KEEL_VM_STOPPED), "stopped");
	assert_string_equal(show_vm_state(KEEL_VM_DESTROYING), "destroying");
	assert_string_equal(show_vm_state(0), "unknown");
	assert_string_equal(show_vm_state(99), "unknown");
	assert_string_equal(show_vcpu_state(KEEL_VCPU_OFFLINE), "offline");
	assert_string_equal(show_vcpu_state(KEEL_VCPU_PAUSED), "paused");
	assert_string_equal(show_vcpu_state(5), "unknown");
	assert_string_equal(show_vendor(KEEL_VENDOR_SVM), "svm");
	assert_string_equal(show_vendor(KEEL_VENDOR_VMX), "vmx");
	assert_string_equal(show_vendor(0), "unknown");
	assert_string_equal(show_exit_name(0), "cpuid");
	assert_string_equal(show_exit_name(5), "hypercall");
	assert_string_equal(show_exit_name(15), "unknown");
	assert_string_equal(show_exit_name(16), "xsetbv");
	assert_null(show_exit_name(KEEL_EXIT_NAMED));
	assert_string_equal(show_errno(-KEEL_EPERM), "EPERM");
	assert_string_equal(show_errno(-KEEL_ENOSPC), "ENOSPC");
	assert_string_equal(show_errno(-KEEL_ENOSYS), "ENOSYS");
	assert_string_equal(show_errno(-99), "unknown error");
}

static void test_sizes(void **state)
{
	static const struct { uint64_t bytes; const char *text; } t[] = {
		{ 0, "0 B" }, { 100, "100 B" }, { 1024, "1 KiB" },
		{ 1536, "1536 B" }, { 512 << 10, "512 KiB" },
		{ 1 << 20, "1 MiB" }, { 16 << 20, "16 MiB" },
		{ (3 << 20) / 2, "1.5 MiB" }, { 1ULL << 30, "1 GiB" },
		{ 3ULL << 29, "1536 MiB" }, { 64ULL << 30, "64 GiB" },
		{ (1 << 20) + 1, "1.0 MiB" },
	};
	char buf[32];

	for (size_t i = 0; i < TEST_ARRAY_SIZE(t); i++) {
		show_size(buf, sizeof(buf), t[i].bytes);
		assert_string_equal(buf, t[i].text);
	}
}

static void test_cpulists(void **state)
{
	static const struct { uint64_t mask; const char *text; } t[] = {
		{ 0, "all" }, { 1, "0" }, { 0xf, "0-3" }, { 0x4f, "0-3,6" },
		{ 0x5, "0,2" }, { 1ULL << 63, "63" }, { ~0ULL, "0-63" },
		{ 0x8000000000000001ULL, "0,63" },
	};
	char buf[64], tiny[4];

	for (size_t i = 0; i < TEST_ARRAY_SIZE(t); i++) {
		show_cpulist(buf, sizeof(buf), t[i].mask);
		assert_string_equal(buf, t[i].text);
	}
	show_cpulist(tiny, sizeof(tiny), 0x5555);	/* cut, terminated */
	assert_true(strlen(tiny) < sizeof(tiny));
}

static void test_out_text(void **state)
{
	out_puts("a");
	out_printf("%s=%d", "b", 2);
	out_error("no VM named '%s'; see 'list'", "x");
	assert_string_equal(screen, "ab=2error: no VM named 'x'; see 'list'\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_json_nesting, setup),
		cmocka_unit_test_setup(test_json_empty, setup),
		cmocka_unit_test_setup(test_json_escapes, setup),
		cmocka_unit_test_setup(test_json_depth_limit, setup),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_cpulists),
		cmocka_unit_test_setup(test_out_text, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The admin shell's command language (docs/shell.md): one line in, one
 * struct shell_cmd out, or one error message that says what to type
 * instead. Pure: no hypercalls, no I/O, so it also runs in host unit
 * tests and under libFuzzer.
 *
 *   line    := word { blank word }            blanks: space, tab
 *   word    := { char | '"' { char but '"' } '"' }   quotes group blanks
 *   option  := key '=' value                   anywhere after the verb
 *   flag    := "--json"
 *   SIZE    := number [K|M|G][i][B]            plain: bytes; a multiple
 *                                              of 2 MiB from 2M to 64G
 *   CPULIST := "all" | range { ',' range }     range := N [ '-' N ], N < 64
 */
#ifndef KEEL_MGMT_SHELL_PARSE_H
#define KEEL_MGMT_SHELL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keel/abi.h>

#define SHELL_LINE_MAX   256	/* characters in a line, without the NUL */
#define SHELL_WORDS_MAX  16
#define SHELL_ERROR_MAX  192	/* message after "error: ", NUL included */
#define SHELL_MAX_CPUS   64	/* bits of an affinity mask */

/* The defaults of create (README: keel.cfg's vm line has the same). */
#define SHELL_DEFAULT_MEM   (16ull << 20)
#define SHELL_DEFAULT_VCPUS 1u
#define SHELL_DEFAULT_PRIO  8u
#define SHELL_DEFAULT_SLICE 10u
#define SHELL_PRIO_MAX      31u
#define SHELL_SLICE_MIN     1u
#define SHELL_SLICE_MAX     100u

enum shell_verb {
	SHELL_EMPTY,		/* a blank line: nothing to do */
	SHELL_HELP,
	SHELL_VERSION,
	SHELL_INFO,
	SHELL_LIST,
	SHELL_IMAGES,
	SHELL_CREATE,
	SHELL_START,
	SHELL_PAUSE,
	SHELL_RESUME,
	SHELL_DESTROY,
	SHELL_RESIZE,
	SHELL_PIN,
	SHELL_SCHED,
	SHELL_STATS,
	SHELL_TOP,
	SHELL_CONSOLE,
	SHELL_LOG,
	SHELL_REBOOT,
	SHELL_CYCLE,
	SHELL_VERB_COUNT
};

/* struct shell_cmd.given: which options and flags the line had */
#define SHELL_OPT_MEM    (1u << 0)
#define SHELL_OPT_MAXMEM (1u << 1)
#define SHELL_OPT_VCPUS  (1u << 2)
#define SHELL_OPT_PRIO   (1u << 3)
#define SHELL_OPT_SLICE  (1u << 4)
#define SHELL_OPT_CPUS   (1u << 5)
#define SHELL_OPT_ARGS   (1u << 6)
#define SHELL_FLAG_JSON  (1u << 7)
#define SHELL_OPT_COUNT  (1u << 8)
#define SHELL_OPT_KERNEL (1u << 9)	/* kernel=: IMAGE as an option */
#define SHELL_OPT_MODULE (1u << 10)	/* module=, repeatable */
#define SHELL_OPT_CMDLINE (1u << 11)	/* cmdline=: args= by its Multiboot name */
#define SHELL_OPT_INITRD (1u << 12)	/* initrd=: a Linux kernel's initrd */
#define SHELL_OPT_ON_REBOOT (1u << 13)	/* on_reboot=restart|stop */

#define SHELL_MAX_MODULES KEEL_VM_MODULES	/* module= of one create */

#define SHELL_CYCLE_MAX  1000000u	/* cycle's count= */

struct shell_cmd {
	enum shell_verb verb;
	unsigned int given;		/* SHELL_OPT_* and SHELL_FLAG_* */
	char name[KEEL_NAME_LEN];	/* the VM */
	char image[KEEL_NAME_LEN];	/* create's module: IMAGE or kernel= */
	enum shell_verb topic;		/* help CMD; SHELL_EMPTY: all */
	uint32_t vcpu;			/* pin */
	uint64_t cpu_mask;		/* pin's CPULIST; 0: all */
	/* options; each holds its default unless given says otherwise */
	uint64_t mem;
	uint64_t maxmem;		/* 0: same as mem */
	uint64_t cpus;			/* 0: all */
	uint32_t vcpus;
	uint32_t prio;
	uint32_t slice_ms;
	uint32_t count;			/* cycle: how many times (default 1) */
	char args[KEEL_ARGS_LEN];	/* args= or cmdline= */
	uint32_t module_count;		/* module=, in order */
	char modules[SHELL_MAX_MODULES][KEEL_NAME_LEN];
	char initrd[KEEL_NAME_LEN];	/* initrd=; "" for none */
	bool restart;			/* on_reboot=restart (default stop) */
};

/*
 * Parses one line (NUL-terminated; at most SHELL_LINE_MAX characters).
 * Returns 0 and fills cmd, or -KEEL_EINVAL and writes a one-line message
 * (no "error: " prefix, no newline) to err. cmd is fully written either way.
 */
int shell_parse(const char *line, struct shell_cmd *cmd, char *err,
		size_t err_size);

/* The verb's name and its syntax line, for help and for errors. */
const char *shell_verb_name(enum shell_verb verb);
const char *shell_verb_usage(enum shell_verb verb);
const char *shell_verb_summary(enum shell_verb verb);

/* The pieces, also used on their own. */
bool shell_parse_size(const char *s, size_t len, uint64_t *bytes);
bool shell_parse_cpulist(const char *s, size_t len, uint64_t *mask);
bool shell_valid_name(const char *s, size_t len);

#endif

# libFuzzer targets for the parsers. Included by the top-level Makefile
# (BUILD comes from there); needs clang with libFuzzer (Debian:
# clang-14 libclang-rt-14-dev).
#
#   make fuzz-build    build every target
#   make fuzz-smoke    a short bounded run of each, from the seed corpus
#                      (FUZZ_RUNS, FUZZ_TIME to change the bounds)
#   make fuzz-long     every target to FUZZ_LONG_RUNS executions (10 million
#                      by default, no time bound), one summary line each:
#                      executions, seconds, corpus size, ok or the crash file
#
# A longer run by hand: build/fuzz/fuzz_elf build/fuzz/work-fuzz_elf \
#     tests/fuzz/corpus/fuzz_elf -max_total_time=3600

FUZZ_CC     ?= clang
FUZZ_DIR    := $(BUILD)/fuzz
FUZZ_CFLAGS := $(C_BASE) -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all
FUZZ_RUNS   ?= 1000000
FUZZ_TIME   ?= 20

FUZZ_NAMES  := fuzz_config fuzz_elf fuzz_spcr fuzz_shell fuzz_hypercall \
	fuzz_emul fuzz_multiboot fuzz_platform fuzz_timers fuzz_linux \
	fuzz_acpi_pm
FUZZ_BINS   := $(addprefix $(FUZZ_DIR)/,$(FUZZ_NAMES))

FUZZ_SRCS_fuzz_config := core/config.c core/vm_desc.c lib/parse.c \
	tests/unit/compat.c
FUZZ_SRCS_fuzz_elf    := core/load/elf.c
FUZZ_SRCS_fuzz_multiboot := core/load/multiboot_parse.c core/load/linux_parse.c \
	core/cr_decode.c
FUZZ_SRCS_fuzz_linux := core/load/linux_parse.c core/load/multiboot_parse.c
FUZZ_SRCS_fuzz_acpi_pm := core/dev/acpi_pm.c
FUZZ_SRCS_fuzz_spcr   := drivers/spcr.c drivers/serial_select.c drivers/acpi.c
FUZZ_SRCS_fuzz_hypercall := core/hc_check.c core/vm_desc.c mm/pagetable.c \
	lib/parse.c tests/unit/compat.c
FUZZ_SRCS_fuzz_shell  := guests/mgmt/shell_parse.c guests/mgmt/lineedit.c \
	guests/mgmt/detach.c guests/mgmt/show.c lib/parse.c tests/unit/compat.c
FUZZ_SRCS_fuzz_platform := core/dev/vioapic_regs.c core/dev/apic_dest.c \
	core/dev/vpic.c core/dev/vuart_irq.c
FUZZ_SRCS_fuzz_timers := core/dev/vpit.c core/dev/vpit_count.c \
	core/dev/vpit_portb.c core/dev/vrtc.c core/dev/vrtc_regs.c \
	lib/civil_time.c
FUZZ_SRCS_fuzz_emul   := $(sort $(wildcard core/emul/*.c))
FUZZ_HDRS_fuzz_emul   := $(wildcard include/core/emul/*.h)
FUZZ_FLAGS_fuzz_shell := -Iguests/mgmt
FUZZ_HDRS_fuzz_shell  := $(wildcard guests/mgmt/*.h)

FUZZ_LONG_RUNS ?= 10000000

FLAGS_fuzz := $(FUZZ_CC) $(FUZZ_CFLAGS) \
	$(foreach t,$(FUZZ_NAMES),; $(t) $(FUZZ_FLAGS_$(t)))
FUZZ_STAMP := $(call flags_stamp,fuzz)

.PHONY: fuzz-build fuzz-smoke fuzz-long

fuzz-build: $(FUZZ_BINS)

define FUZZ_RULE
$(FUZZ_DIR)/$(1): tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)) \
		$(wildcard include/*/*.h) $(FUZZ_HDRS_$(1)) $(BUILD_MAKEFILES) \
		$(FUZZ_STAMP)
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_FLAGS_$(1)) -o $$@ $$< $(FUZZ_SRCS_$(1))
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call FUZZ_RULE,$(t))))

# New inputs go to a work directory under $(BUILD): the committed seed
# corpus is only read. Crashes are written to $(FUZZ_DIR)/crash-*.
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/work-$$t; \
		echo "== $$t ($(FUZZ_RUNS) runs or $(FUZZ_TIME) s)"; \
		$(FUZZ_DIR)/$$t -runs=$(FUZZ_RUNS) \
			-max_total_time=$(FUZZ_TIME) \
			-artifact_prefix=$(FUZZ_DIR)/ -print_final_stats=0 \
			$(FUZZ_DIR)/work-$$t tests/fuzz/corpus/$$t \
			2>$(FUZZ_DIR)/$$t.log || \
			{ tail -40 $(FUZZ_DIR)/$$t.log; echo "not ok - $$t"; \
			  exit 1; }; \
		tail -1 $(FUZZ_DIR)/$$t.log; \
		echo "ok - $$t"; \
	done

# Runs every target even after a crash, then fails if any crashed. The
# summary comes from libFuzzer's final stats (stat::number_of_executed_units).
fuzz-long: fuzz-build
	@failed=0; \
	for t in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/work-$$t; \
		echo "== $$t ($(FUZZ_LONG_RUNS) runs)"; \
		start=$$(date +%s); \
		$(FUZZ_DIR)/$$t -runs=$(FUZZ_LONG_RUNS) \
			-artifact_prefix=$(FUZZ_DIR)/long-$$t- \
			-print_final_stats=1 \
			$(FUZZ_DIR)/work-$$t tests/fuzz/corpus/$$t \
			>$(FUZZ_DIR)/$$t.long.log 2>&1; \
		rc=$$?; secs=$$(( $$(date +%s) - start )); \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' \
			$(FUZZ_DIR)/$$t.long.log); \
		corpus=$$(ls $(FUZZ_DIR)/work-$$t | wc -l); \
		if [ $$rc -eq 0 ]; then \
			echo "ok - $$t: $${execs:-?} execs in $$secs s, corpus $$corpus"; \
		else \
			failed=$$((failed + 1)); \
			tail -30 $(FUZZ_DIR)/$$t.long.log; \
			echo "not ok - $$t: exit $$rc after $${execs:-?} execs," \
				"$$secs s; $$(ls $(FUZZ_DIR)/long-$$t-* 2>/dev/null)"; \
		fi; \
	done; \
	echo "fuzz-long: $$(( $(words $(FUZZ_NAMES)) - failed )) passed," \
		"$$failed failed"; \
	[ $$failed -eq 0 ]

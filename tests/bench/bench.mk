# `make bench` helpers (included by Makefile): the baseline EFI
# application and the host driver of the scheduling-decision count.
# tests/bench/run.py boots and runs them.
#
#   $(BUILD)/bench/baseline.efi    guests/bench/measure.h without Keel
#   $(BUILD)/bench/sched_decision  sched/policy.c with the hypervisor's
#                                  code-generation flags, on the host

BENCH_DIR     := $(BUILD)/bench
BASELINE_EFI  := $(BENCH_DIR)/baseline.efi
SCHED_DECISION := $(BENCH_DIR)/sched_decision

# baseline.o and policy.o are built with the loader's and the
# hypervisor's flags (their stamps); the host driver with its own.
FLAGS_bench := $(CC) $(C_BASE) -O2
BENCH_STAMP := $(call flags_stamp,bench)

$(BENCH_DIR)/obj/baseline.o: tests/bench/baseline.c $(BUILD_MAKEFILES) \
		$(LOADER_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LOADER_CFLAGS) -Iguests/bench -c $< -o $@

# format.c and string.c as the loader builds them (EFI flags)
BASELINE_OBJS := $(BENCH_DIR)/obj/baseline.o $(BUILD)/loader/lib/format.o \
	$(BUILD)/loader/lib/string.o

$(BENCH_DIR)/baseline.so: $(BASELINE_OBJS) $(EFI_CRT0) $(EFI_LDS) \
		$(BUILD_MAKEFILES) $(LOADER_STAMP)
	$(LD) $(LOADER_LDFLAGS) -o $@ $(EFI_CRT0) $(BASELINE_OBJS) -lgnuefi

$(BASELINE_EFI): $(BENCH_DIR)/baseline.so $(BUILD_MAKEFILES) $(LOADER_STAMP)
	$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym \
		-j .rel -j .rela -j .rel.* -j .rela.* -j .reloc \
		--target efi-app-x86_64 --subsystem=10 $< $@

# The hypervisor's flags, but the small code model of a host program.
$(BENCH_DIR)/obj/policy.o: sched/policy.c $(BUILD_MAKEFILES) $(HV_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(filter-out -mcmodel=kernel,$(HV_CFLAGS)) -c $< -o $@

$(SCHED_DECISION): tests/bench/sched_decision.c $(BENCH_DIR)/obj/policy.o \
		$(BUILD_MAKEFILES) $(BENCH_STAMP)
	$(CC) $(C_BASE) -O2 -o $@ $(filter %.c %.o,$^)

.PHONY: bench-build
bench-build: $(BASELINE_EFI) $(SCHED_DECISION)

-include $(BENCH_DIR)/obj/baseline.d $(BENCH_DIR)/obj/policy.d

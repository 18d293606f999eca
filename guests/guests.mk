# Guest payloads: freestanding ELF64 images with Keel's entry convention.
# Each directory guests/NAME/ (other than lib/) becomes $(BUILD)/guests/NAME.elf.

GUEST_CFLAGS := $(C_BASE) $(C_DEPS) -O2 -Wno-unused-parameter \
	$(C_FREESTANDING) -fno-pic -fno-pie -Iguests/lib
GUEST_LDFLAGS := -nostdlib -static -no-pie -z max-page-size=0x1000 \
	-z noexecstack -T guests/lib/guest.ld
GUEST_ASFLAGS := -Iinclude $(C_DEPS)
FLAGS_guest := $(CC) $(GUEST_CFLAGS) ; $(GUEST_ASFLAGS) ; $(LD) $(GUEST_LDFLAGS)
GUEST_STAMP := $(call flags_stamp,guest)

GUEST_NAMES := $(filter-out lib,$(notdir $(patsubst %/,%,$(dir $(wildcard guests/*/main.c)))))
GUEST_ELFS  := $(patsubst %,$(BUILD)/guests/%.elf,$(GUEST_NAMES))
GUEST_LIB_OBJS := $(patsubst %,$(BUILD)/guest-obj/%.o,guests/lib/start.S \
	guests/lib/runtime.c guests/lib/idt.c lib/format.c lib/string.c lib/parse.c)

$(BUILD)/guest-obj/%.c.o: %.c $(BUILD_MAKEFILES) $(GUEST_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guest-obj/%.S.o: %.S $(BUILD_MAKEFILES) $(GUEST_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_ASFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(BUILD)/guests/%.elf: $$(addprefix $(BUILD)/guest-obj/,$$(addsuffix .o,$$(wildcard guests/$$*/*.c))) \
		$(GUEST_LIB_OBJS) guests/lib/guest.ld $(BUILD_MAKEFILES) $(GUEST_STAMP)
	@mkdir -p $(dir $@)
	$(LD) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^)

# Multiboot test kernels: each guests/mb/NAME.S becomes the flat image
# $(BUILD)/guests/NAME.bin, loaded at 1 MiB by its Multiboot header's
# address fields (guests/mb/mb.ld); they enter in 32-bit protected mode.
MB_NAMES := $(basename $(notdir $(wildcard guests/mb/*.S)))
MB_BINS  := $(patsubst %,$(BUILD)/guests/%.bin,$(MB_NAMES))
MB_LDFLAGS := -nostdlib -static --no-warn-rwx-segments \
	-z max-page-size=0x1000 -T guests/mb/mb.ld

$(BUILD)/guests/%.bin: guests/mb/%.S guests/mb/mb.inc guests/mb/mb.ld \
		$(BUILD_MAKEFILES)
	@mkdir -p $(dir $@) $(BUILD)/guest-obj/mb
	$(CC) $(C_DEPS) -Iguests/mb -c $< -o $(BUILD)/guest-obj/mb/$*.o
	$(LD) $(MB_LDFLAGS) -o $(BUILD)/guest-obj/mb/$*.elf \
		$(BUILD)/guest-obj/mb/$*.o
	objcopy -O binary $(BUILD)/guest-obj/mb/$*.elf $@

# The same kernels built a second way, as most real Multiboot kernels
# are: an ELF32 (i386) file whose header has no address fields (flag 16
# clear), so the loader goes by its program headers. Linked as the flat
# ones are, then converted (objcopy -O elf32-i386): NAME32.elf.
MB_ELF32_NAMES := mb_modes
MB_ELF32S := $(patsubst %,$(BUILD)/guests/%32.elf,$(MB_ELF32_NAMES))

$(MB_ELF32S): $(BUILD)/guests/%32.elf: guests/mb/%.S guests/mb/mb.inc guests/mb/mb.ld \
		$(BUILD_MAKEFILES)
	@mkdir -p $(dir $@) $(BUILD)/guest-obj/mb
	$(CC) $(C_DEPS) -DMB_ELF -Iguests/mb -c $< \
		-o $(BUILD)/guest-obj/mb/$*32.o
	$(LD) $(MB_LDFLAGS) -o $(BUILD)/guest-obj/mb/$*32.elf64 \
		$(BUILD)/guest-obj/mb/$*32.o
	objcopy -O elf32-i386 $(BUILD)/guest-obj/mb/$*32.elf64 $@

.PHONY: guests
guests: $(GUEST_ELFS) $(MB_BINS) $(MB_ELF32S)

-include $(shell find $(BUILD)/guest-obj -name '*.d' 2>/dev/null)

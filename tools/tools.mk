# The ESP, boot images, running and testing (included by Makefile).
#
#   make esp       $(BUILD)/esp: EFI/BOOT/BOOTX64.EFI, keel.cfg,
#                  keel/keel.elf, keel/guests/*.elf
#                  GUESTS="a.elf ..." adds files to keel/guests/ and a
#                  `module NAME /keel/guests/FILE` line for each
#   make image     $(BUILD)/keel.img: a GPT disk image with one EFI System
#                  Partition (FAT32) holding the ESP (tools/mkimg); write
#                  it to a USB stick with tools/flash, boot it with
#                  tools/run --disk $(BUILD)/keel.img
#   make run       boot it: VENDOR=amd|intel SMP=N MEM=SIZE ACCEL=tcg|tcg-single|kvm
#                  LINUX=1 adds the Linux guest (make linux-image) as the
#                  modules `vmlinuz` and `initrd`, for the shell's `create`
#   make test      every test layer (tools/test); ends `N passed, N failed`
#   make integration   only the boot tests (pytest)
#   make linux-image  $(BUILD)/linux/{vmlinuz,initrd.img}: the Linux guest
#                  (a Debian 12 cloud kernel and a busybox initramfs),
#                  fetched once with apt-get download and cached
#   make hostile   only the hostile-guest suite (docs/hostile.md), both
#                  vendors; make test runs it with the other boot tests

LINUX_DIR  := $(BUILD)/linux
LINUX_FILES := $(LINUX_DIR)/vmlinuz $(LINUX_DIR)/initrd.img
ifeq ($(LINUX),1)
GUESTS += $(LINUX_FILES)
endif

ESP_DIR    := $(BUILD)/esp
ESP_CONFIG ?= boot/keel.cfg
ESP_IMAGE  := $(BUILD)/keel.img

esp: $(LOADER_EFI) $(HV_ELF) $(GUEST_ELFS) $(ESP_CONFIG) $(GUESTS)
	tools/mkesp --out $(ESP_DIR) --loader $(LOADER_EFI) \
		--hypervisor $(HV_ELF) --config $(ESP_CONFIG) \
		$(addprefix --guest ,$(GUEST_ELFS)) $(addprefix --module ,$(GUESTS))

image: esp
	tools/mkimg $(ESP_DIR) $(ESP_IMAGE)
	@echo "flash it: sudo tools/flash $(ESP_IMAGE) /dev/sdX   (docs/hardware.md)"

run: all
	tools/run --vendor $(VENDOR) --smp $(SMP) --mem $(MEM) \
		--accel $(ACCEL) --esp $(ESP_DIR)

test:
	BUILD=$(BUILD) MAKE="$(MAKE)" tools/test

integration: all
	KEEL_BUILD=$(BUILD) /usr/bin/python3 -m pytest tests/integration

linux-image:
	tools/linux-image $(LINUX_DIR)

$(LINUX_FILES) &: tools/linux-image tools/mkcpio tests/linux/tsc.c
	tools/linux-image $(LINUX_DIR)

hostile: all
	KEEL_BUILD=$(BUILD) /usr/bin/python3 -m pytest -v tests/integration/test_hostile.py

# `make print-VAR` prints a variable (tools/test reads UNIT_BINS this way).
print-%:
	@echo '$($*)'

# SPDX-License-Identifier: MIT
#
# Toolchains and flags for the three builds of the one body of C:
#   hosted  - the SVSM over the software SNP machine, optimised (libsvsm-sim.a, benches)
#   asan    - the same sources with ASan + UBSan, used by every hosted test in `make check`
#   kernel  - the freestanding x86-64 kernel (native and snp platforms)
#   fuzz    - clang + libFuzzer + ASan/UBSan

CC        ?= gcc
HOSTCC    := $(CC)
CLANG     ?= clang
AR        ?= ar
LD        ?= ld
OBJCOPY   ?= objcopy

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wno-unused-parameter
STD       := -std=gnu11

INC_COMMON := -I$(SRCDIR)/svsm/include

HOSTED_CFLAGS := $(STD) $(WARN) -O2 -g -fno-strict-aliasing $(INC_COMMON) \
                 -DSVSM_HOSTED=1 -D_GNU_SOURCE -fPIC
ASAN_FLAGS    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                 -fno-omit-frame-pointer
ASAN_CFLAGS   := $(STD) $(WARN) -O1 -g -fno-strict-aliasing $(INC_COMMON) \
                 -DSVSM_HOSTED=1 -DSVSM_ASAN=1 -D_GNU_SOURCE $(ASAN_FLAGS)
FUZZ_CFLAGS   := $(STD) $(WARN) -O1 -g -fno-strict-aliasing $(INC_COMMON) \
                 -DSVSM_HOSTED=1 -DSVSM_ASAN=1 -DSVSM_FUZZ=1 -D_GNU_SOURCE \
                 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer

# The kernel: freestanding, no red zone, no SSE in SVSM code (libcrypto runs with
# its own FPU state saved by the kernel), linked in the upper canonical half.
KERNEL_CFLAGS := $(STD) $(WARN) -O2 -g -ffreestanding -fno-builtin -nostdinc \
                 -isystem $(shell $(CC) -print-file-name=include) \
                 -mno-red-zone -mcmodel=kernel -mno-sse -mno-mmx -mno-sse2 \
                 -mno-avx -fno-pic -fno-pie -fno-stack-protector \
                 -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
                 -fno-strict-aliasing $(INC_COMMON) \
                 -I$(SRCDIR)/svsm/lib/include -I$(SRCDIR)/svsm/arch/x86/include \
                 -DSVSM_KERNEL=1
KERNEL_ASFLAGS := $(filter-out -Wstrict-prototypes -Wmissing-prototypes,$(KERNEL_CFLAGS)) -D__ASSEMBLY__
DEPFLAGS := -MMD -MP

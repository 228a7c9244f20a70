# SPDX-License-Identifier: MIT
#
# svsm/lib: the kernel's small libc (string functions, vsnprintf), and in
# svsm/lib/tpm/ the C-library surface that Debian's static libtpms.a and
# libcrypto.a need in the kernel (see svsm/lib/tpm/libc.h).

svsm-kernel-y += svsm/lib/string.c svsm/lib/printf.c
klib-tpm-y := svsm/lib/tpm/malloc.c svsm/lib/tpm/str.c svsm/lib/tpm/stdio.c
svsm-kernel-y += $(klib-tpm-y) svsm/lib/tpm/sys.c svsm/lib/tpm/nosys.c \
                 svsm/lib/tpm/setjmp.S

# The string functions must not be turned back into calls to themselves.
$(BUILD)/kernel/svsm/lib/%.o: EXTRA_CFLAGS += -fno-tree-loop-distribute-patterns

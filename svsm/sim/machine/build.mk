# SPDX-License-Identifier: MIT
#
# svsm/sim/machine: the software SNP machine (memory, RMP, PSP launch, GHCB
# hypervisor), its hosted front end (VMPL0 fibers) and the hosted
# implementation of <svsm/cpu.h>. It uses OpenSSL's libcrypto (SHA-384 of
# the launch digest, random VMPCKs): whatever links these objects also
# links -lcrypto.

# The model (also built freestanding by snp-emu/build.mk) and the hosted
# front end (machine_hosted.c, fiber.c, fiber_switch.S, cpu_sim.c).
svsm-machine-y := svsm/sim/machine/machine.c svsm/sim/machine/rmp.c \
		  svsm/sim/machine/psp.c svsm/sim/machine/hv.c \
		  svsm/sim/machine/hv_msr.c
svsm-hosted-y += $(svsm-machine-y) svsm/sim/machine/machine_hosted.c \
		 svsm/sim/machine/dirty.c \
		 svsm/sim/machine/fiber.c svsm/sim/machine/fiber_switch.S \
		 svsm/sim/machine/cpu_sim.c

MACHINE_LDLIBS := -lcrypto

# Let ci/lint's analysers find the header both ways it is included:
# "machine.h" (this directory's tests) and "machine/machine.h" (the harness,
# the guest-side tests and benchmarks, built with -I svsm/sim).
LINT_HOSTED_INCLUDES += $(SRCDIR)/svsm/sim/machine $(SRCDIR)/svsm/sim

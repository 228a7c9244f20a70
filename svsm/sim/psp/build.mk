# SPDX-License-Identifier: MIT
#
# The PSP firmware model of the software SNP machine (hosted only), and the
# hook that plugs it into the machine's hypervisor.
svsm-psp-y := svsm/sim/psp/psp.c svsm/sim/psp/psp_certs.c \
             svsm/sim/psp/psp_roots.c
svsm-hosted-y += $(svsm-psp-y) svsm/sim/psp/hook.c

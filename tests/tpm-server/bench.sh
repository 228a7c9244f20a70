#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench-tpm-server: the same tpm2-tools sequence (one process per command,
# as the tools run) against svsm-sim tpm-server with a persistent state and
# against swtpm with its own state directory, in the same run, printed as
# a ratio (goal: <= 1, not slower than swtpm); then what one persistent
# NV_Write costs: bytes written to the state (from the store's counters)
# and time per tpm2_nvwrite, against the same server without a state and
# against swtpm. Prints; asserts nothing.
set -euo pipefail
: "${SVSM_SIM:?set SVSM_SIM}"
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/tpm-server/helpers.bash
. "$HERE/helpers.bash"
ROUNDS=${ROUNDS:-5}
WRITES=${WRITES:-40}
T=$(mktemp -d)
SWTPM_PID=
SERVER_PID=
cleanup() {
	[ -n "$SWTPM_PID" ] && kill "$SWTPM_PID" 2>/dev/null
	[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
head -c 32 /dev/urandom >key
head -c 32 /dev/urandom >nv32
for ((i = 0; i < WRITES; i++)); do
	head -c 32 /dev/urandom >"nv32.$i"
	head -c 2048 /dev/urandom >"nv2k.$i"
done

now() { date +%s%N; }

# The sequence: random, PCRs, a primary, a key made, loaded and used,
# a quote, an NV index defined, written, read and removed.
sequence() {
	tpm2_getrandom 32 >/dev/null
	tpm2_pcrextend 16:sha256=0000000000000000000000000000000000000000000000000000000000000001
	tpm2_pcrread sha256:0,16 >/dev/null
	tpm2_createprimary -C o -G ecc256 -c p.ctx >/dev/null
	tpm2_create -C p.ctx -G ecc256:ecdsa-sha256 -u k.pub -r k.priv >/dev/null
	tpm2_flushcontext -t
	tpm2_load -C p.ctx -u k.pub -r k.priv -c k.ctx >/dev/null
	tpm2_flushcontext -t
	tpm2_sign -c k.ctx -g sha256 -o k.sig key
	tpm2_flushcontext -t
	tpm2_createprimary -C e -G ecc256:ecdsa-sha256:null -c ak.ctx \
		-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' >/dev/null
	tpm2_quote -c ak.ctx -l sha256:0,16 -q 1234 -m q.msg -s q.sig -g sha256 >/dev/null
	tpm2_flushcontext -t
	tpm2_nvdefine 0x1500030 -C o -s 32 -a 'ownerread|ownerwrite' >/dev/null
	tpm2_nvwrite 0x1500030 -C o -i nv32
	tpm2_nvread 0x1500030 -C o -s 32 >/dev/null
	tpm2_nvundefine 0x1500030 -C o
}
SEQ_COMMANDS=18

# time_ns CMD...: nanoseconds taken.
time_ns() {
	local t0
	t0=$(now)
	"$@"
	echo $(($(now) - t0))
}

nv_writes() { # NAME: $WRITES tpm2_nvwrite of new values NAME.i to 0x1500031
	local i
	for ((i = 0; i < WRITES; i++)); do
		tpm2_nvwrite 0x1500031 -C o -i "$1.$i"
	done
}

SP=$(free_port_pair)
start_server server.log --port "$SP" --state "$T/state" --key key
mkdir -p swtpm
WP=$(free_port_pair)
while [ "$WP" = "$SP" ]; do WP=$(free_port_pair); done
swtpm socket --tpm2 --server "type=tcp,port=$WP" \
	--ctrl "type=tcp,port=$((WP + 1))" --tpmstate dir="$T/swtpm" \
	--flags not-need-init,startup-clear >swtpm.log 2>&1 &
SWTPM_PID=$!
SVSM_TCTI="mssim:host=127.0.0.1,port=$SP"
SWTPM_TCTI="swtpm:host=127.0.0.1,port=$WP"
for _ in $(seq 100); do
	TPM2TOOLS_TCTI=$SWTPM_TCTI tpm2_getrandom 1 >/dev/null 2>&1 && break
	sleep 0.05
done
TPM2TOOLS_TCTI=$SVSM_TCTI tpm2_startup -c

# Rounds interleaved so both see the same load on a shared machine; the
# fastest round of each is the least disturbed one.
svsm=0 sw=0 svsm_min=0 sw_min=0
for ((r = 0; r < ROUNDS; r++)); do
	export TPM2TOOLS_TCTI=$SVSM_TCTI
	a=$(time_ns sequence)
	export TPM2TOOLS_TCTI=$SWTPM_TCTI
	b=$(time_ns sequence)
	svsm=$((svsm + a)) sw=$((sw + b))
	[ "$svsm_min" -eq 0 ] || [ "$a" -lt "$svsm_min" ] && svsm_min=$a
	[ "$sw_min" -eq 0 ] || [ "$b" -lt "$sw_min" ] && sw_min=$b
done
per() { echo "$(($1 / SEQ_COMMANDS / 1000))"; }
echo "tpm2-tools sequence ($SEQ_COMMANDS commands x $ROUNDS rounds, one process each; mean, best round):"
echo "  svsm-sim tpm-server (persistent): $(per "$((svsm / ROUNDS))") us/command, $(per "$svsm_min")"
echo "  swtpm 0.7 (persistent):           $(per "$((sw / ROUNDS))") us/command, $(per "$sw_min")"
awk -v a="$svsm" -v b="$sw" -v c="$svsm_min" -v d="$sw_min" 'BEGIN {
	printf "  ratio svsm/swtpm: %.2f mean, %.2f best round (goal <= 1)\n", a / b, c / d }'

# The servers' own cost, without tpm2-tools' process start: GetRandom(8)
# round trips on one connection (mssim framing; swtpm's raw socket).
python3 - "$SP" "$WP" <<'PY'
import socket, struct, sys, time
N = 2000
cmd = bytes.fromhex("80010000000c0000017b0008")
def read(s, n):
    b = b""
    while len(b) < n:
        k = s.recv(n - len(b))
        if not k:
            raise SystemExit("closed")
        b += k
    return b
def svsm(s):
    s.sendall(struct.pack(">IBI", 8, 0, len(cmd)) + cmd)
    n, = struct.unpack(">I", read(s, 4))
    read(s, n + 4)
def swtpm(s):
    s.sendall(cmd)
    read(s, struct.unpack(">I", read(s, 6)[2:6])[0] - 6)
a = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
b = socket.create_connection(("127.0.0.1", int(sys.argv[2])))
ta = tb = 0.0
for _ in range(5):  # interleaved rounds
    t = time.perf_counter()
    for _ in range(N // 5):
        svsm(a)
    ta += time.perf_counter() - t
    t = time.perf_counter()
    for _ in range(N // 5):
        swtpm(b)
    tb += time.perf_counter() - t
print("one connection, GetRandom(8) x %d: svsm-sim tpm-server %.0f us, swtpm %.0f us, ratio %.2f"
      % (N, ta / N * 1e6, tb / N * 1e6, ta / tb))
PY

# Persistent NV_Write: time per tool call, three ways.
for t in "$SVSM_TCTI" "$SWTPM_TCTI"; do
	TPM2TOOLS_TCTI=$t tpm2_nvdefine 0x1500031 -C o -s 2048 -a 'ownerread|ownerwrite' >/dev/null
done
export TPM2TOOLS_TCTI=$SVSM_TCTI
t_svsm=$(time_ns nv_writes nv32)
export TPM2TOOLS_TCTI=$SWTPM_TCTI
t_sw=$(time_ns nv_writes nv32)
export TPM2TOOLS_TCTI=$SVSM_TCTI
stop_server "$SP"
# Bytes: the same server on the same state, only the writes counted.
# store_run [NAME]: start, Startup, the writes of NAME.*, stop; prints the
# store's "commits bytes state-size".
store_run() {
	start_server server.log --port "$SP" --state "$T/state" --key key
	TPM2TOOLS_TCTI=$SVSM_TCTI tpm2_startup -c
	[ $# -eq 0 ] || nv_writes "$1"
	stop_server "$SP"
	awk '/^nv store:/ { print $3, $7, $(NF - 1) }' server.log
}
read -r c0 b0 _ < <(store_run)
read -r c32 b32 _ < <(store_run nv32)
read -r _ b2k state < <(store_run nv2k)
SERVER_PID=
# The same server without a state (memory NV), for the cost of durability.
start_server mem.log --port "$SP"
export TPM2TOOLS_TCTI=$SVSM_TCTI
tpm2_startup -c
tpm2_nvdefine 0x1500031 -C o -s 2048 -a 'ownerread|ownerwrite' >/dev/null
t_mem=$(time_ns nv_writes nv32)
stop_server "$SP"
SERVER_PID=

echo "persistent NV_Write ($WRITES tpm2_nvwrite each; the state is $state bytes):"
echo "  32 B: $(((b32 - b0) / WRITES)) bytes written per tpm2_nvwrite ($(((c32 - c0) / WRITES)) commit, 2 syncs each)"
echo "  2 KiB: $(((b2k - b0) / WRITES)) bytes written per tpm2_nvwrite (two NV_Write commands of 1 KiB)"
echo "  time per 32 B tpm2_nvwrite: svsm persistent $((t_svsm / WRITES / 1000)) us," \
	"svsm memory $((t_mem / WRITES / 1000)) us, swtpm $((t_sw / WRITES / 1000)) us"
awk -v a="$t_svsm" -v b="$t_mem" -v c="$t_sw" 'BEGIN {
	printf "  ratio persistent/memory %.2f, persistent/swtpm %.2f\n", a / b, a / c }'

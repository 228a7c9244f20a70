#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# tpm2-tools through tpm-relay.py and the guest's TPM bridge (mssim
# framing) to the SVSM's vTPM (protocol 2): startup, PCR extend and read
# (the value checked against SHA-256(old || digest)), a quote verified
# with tpm2_checkquote (and refused for another nonce), an oversized frame
# answered in sync, then STOP.
#
# TPM_BRIDGE selects what the relay's stream reaches:
#   sim    svsm-tpm-bridge-sim: the same bridge code over TCP and
#          libsvsm-sim (TPM_BRIDGE_SIM)
#   stack  the whole stack: QEMU -> snp-emu (SNP_EMU) -> the IGVM image
#          (SVSM_IGVM) with the guest, its COM2 a chardev socket on
#          127.0.0.1 (run-stack.sh), asked (mode byte B) to serve the
#          bridge alone.
#          SNP_STACK_MISSING (set by `make test-snp-guest-tpm`) names what
#          the tree cannot build yet; the tests skip saying so.

bats_require_minimum_version 1.5.0

# Three free ports from PORT: the relay's two, then the stream's.
pick_port() {
	local p
	for p in $(seq $((20000 + RANDOM % 20000)) 3 45000); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null &&
			! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 1))") 2>/dev/null &&
			! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 2))") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	return 1
}

wait_for() { # FILE PATTERN SECONDS PID
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$4" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# Start "$@" in the background; its pid goes to $TPM_DIR/pid, its exit
# status to $TPM_DIR/status when it ends. The waiting parent is an sh, not
# a bash subshell: bats ends those of setup_file when it returns.
start_bg() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	sh -c 'dir=$1; shift; "$@" & echo $! >"$dir/pid.tmp"
		mv "$dir/pid.tmp" "$dir/pid"; wait $!; echo $? >"$dir/status"' \
		sh "$TPM_DIR" "$@" 3>&- &
	while [ ! -f "$TPM_DIR/pid" ]; do sleep 0.05; done
}

setup_file() {
	: "${TPM_BRIDGE:?}"
	export TPM_DIR="$BATS_FILE_TMPDIR"
	PORT=$(pick_port)
	export PORT
	export TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$PORT"
	export LOG="$TPM_DIR/console.log"
	STREAM=$((PORT + 2))
	case $TPM_BRIDGE in
	sim)
		start_bg "${TPM_BRIDGE_SIM:?}" "$STREAM" >"$LOG" 2>&1
		wait_for "$LOG" '^ready' 60 "$(cat "$TPM_DIR/pid")"
		;;
	stack)
		if [ -n "${SNP_STACK_MISSING:-}" ]; then
			export TPM_SKIP="the SNP stack cannot be built here yet, missing:${SNP_STACK_MISSING}"
			return 0
		fi
		start_bg "$BATS_TEST_DIRNAME/run-stack.sh" --emu "$SNP_EMU" \
			--igvm "$SVSM_IGVM" --port "$STREAM" --log "$LOG"
		wait_for "$LOG" 'waiting for the host' "${TPM_BOOT_TIMEOUT:-900}" \
			"$(cat "$TPM_DIR/pid")" || {
			cat "$LOG" >&3
			return 1
		}
		;;
	esac
	# The guest's checks are stack.bats' business: the bridge alone here.
	# A relay that could not start is shown, and started once more (seen
	# once in CI, cause not known yet: its log says).
	local try
	for try in 1 2; do
		"$BATS_TEST_DIRNAME/tpm-relay.py" --listen "$PORT" --mode bridge \
			--connect "127.0.0.1:$STREAM" >"$TPM_DIR/relay.log" 2>&1 &
		echo $! >"$TPM_DIR/relay.pid"
		wait_for "$TPM_DIR/relay.log" 'relay ready' 30 "$!" && break
		echo "# tpm-relay.py did not start (try $try):" >&3
		sed 's/^/#   /' "$TPM_DIR/relay.log" >&3
		kill "$(cat "$TPM_DIR/relay.pid")" 2>/dev/null || true
		[ "$try" = 1 ] || return 1
		sleep 1
	done
	if [ "$TPM_BRIDGE" = stack ]; then
		wait_for "$LOG" 'tpm bridge ready' 300 "$(cat "$TPM_DIR/pid")"
	fi
}

teardown_file() {
	local f
	for f in relay.pid pid; do
		[ -f "$TPM_DIR/$f" ] && kill "$(cat "$TPM_DIR/$f")" 2>/dev/null
	done
	return 0
}

setup() {
	[ -z "${TPM_SKIP:-}" ] || skip "$TPM_SKIP"
	cd "$TPM_DIR" || return 1
}

@test "tpm2_startup through the bridge" {
	run tpm2_startup -c
	[ "$status" -eq 0 ]
}

@test "tpm2_pcrextend then tpm2_pcrread: PCR 16 = SHA-256(old || digest)" {
	local digest old new want
	digest=$(printf 'snp-guest bridge' | sha256sum | cut -d' ' -f1)
	old=$(tpm2_pcrread sha256:16 | awk '/16:/ { print tolower(substr($2, 3)) }')
	[ ${#old} -eq 64 ]
	run tpm2_pcrextend "16:sha256=$digest"
	[ "$status" -eq 0 ]
	new=$(tpm2_pcrread sha256:16 | awk '/16:/ { print tolower(substr($2, 3)) }')
	want=$(python3 -c 'import hashlib, sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())' "$old$digest")
	[ "$new" = "$want" ]
}

@test "tpm2_quote verifies with tpm2_checkquote, and not for another nonce" {
	run tpm2_createprimary -C o -G ecc256:ecdsa-sha256:null \
		-a 'fixedtpm|fixedparent|sensitivedataorigin|userwithauth|restricted|sign' \
		-c ak.ctx
	[ "$status" -eq 0 ]
	run tpm2_quote -c ak.ctx -l sha256:0,16 -q 0badc0de5eed1234 \
		-m quote.msg -s quote.sig -o quote.pcrs -g sha256
	[ "$status" -eq 0 ]
	run tpm2_readpublic -c ak.ctx -o ak.pem -f pem
	[ "$status" -eq 0 ]
	run tpm2_checkquote -u ak.pem -m quote.msg -s quote.sig \
		-f quote.pcrs -g sha256 -q 0badc0de5eed1234
	[ "$status" -eq 0 ]
	run tpm2_checkquote -u ak.pem -m quote.msg -s quote.sig \
		-f quote.pcrs -g sha256 -q 0badc0de5eed1235
	[ "$status" -ne 0 ]
}

@test "an oversized frame gets TPM_RC_COMMAND_SIZE and the stream stays in sync" {
	local out
	# Straight to the command port, as a client of the relay.
	out=$(python3 - "$PORT" <<'PY'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
body = b"\x80\x01" + struct.pack(">I", 5000) + b"\0" * 4994
s.sendall(struct.pack(">IBI", 8, 0, len(body)) + body)
startup = bytes.fromhex("80010000000c000001440000")
s.sendall(struct.pack(">IBI", 8, 0, len(startup)) + startup)
def read(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            raise SystemExit("closed")
        b += c
    return b
for _ in range(2):
    n, = struct.unpack(">I", read(4))
    rsp = read(n)
    ack, = struct.unpack(">I", read(4))
    print("%x %d" % (struct.unpack(">I", rsp[6:10])[0], ack))
s.sendall(struct.pack(">I", 20))
PY
	)
	[ "$(echo "$out" | sed -n 1p)" = "142 0" ]
	# Startup again: TPM_RC_INITIALIZE (0x100), answered in sync.
	[ "$(echo "$out" | sed -n 2p)" = "100 0" ]
}

@test "STOP on the platform port ends the relay, the bridge and the run" {
	local i status
	printf '\0\0\0\025' >"/dev/tcp/127.0.0.1/$((PORT + 1))"
	for ((i = 0; i < 1200; i++)); do
		[ -f "$TPM_DIR/status" ] && break
		sleep 0.1
	done
	tail -n 5 "$LOG" "$TPM_DIR/relay.log" # shown if the test fails
	status=$(cat "$TPM_DIR/status")
	grep -q 'relay ready' "$TPM_DIR/relay.log"
	if [ "$TPM_BRIDGE" = stack ]; then
		grep -q 'tpm bridge: stop' "$LOG"
		grep -q 'the TPM bridge alone: checks skipped' "$LOG"
		[ "$status" -eq 33 ] # the guest's pass code, 0x10
	else
		grep -q 'stopped after' "$LOG"
		[ "$status" -eq 0 ]
	fi
}

#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
#
# tpm2-tools, unmodified, against `svsm-sim tpm-server` (SVSM_SIM) over
# tpm2-tss's mssim TCTI: every command goes through VTPM_CMD (protocol 2).
# The tests run in order on one persistent state directory: the TPM is
# used, the server restarted on the same state (NV, persistent keys and
# the EK survive, PCRs reset), reset from the platform port, killed with
# SIGKILL during NV writes, and its state damaged in three ways.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	export T="$BATS_FILE_TMPDIR"
	PORT=$(free_port_pair)
	export PORT
	export TPM2TOOLS_TCTI="mssim:host=127.0.0.1,port=$PORT"
	mkdir -p "$T/state"
	head -c 32 /dev/urandom >"$T/key"
	start_server "$T/server.log" --port "$PORT" --state "$T/state" \
		--key "$T/key"
	echo "$SERVER_PID" >"$T/server.pid"
	# The digest PCR 16 is extended with, and the sealed secret.
	printf 'svsm tpm-server' | sha256sum | cut -d' ' -f1 >"$T/digest"
	head -c 48 /dev/urandom >"$T/secret"
}

teardown_file() {
	[ -f "$T/server.pid" ] && kill "$(cat "$T/server.pid")" 2>/dev/null
	return 0
}

setup() {
	cd "$T" || return 1
	SERVER_PID=$(cat "$T/server.pid" 2>/dev/null)
}

# No resource manager between tpm2-tools and the TPM: each test flushes
# the transient objects it left, as a TSS user without one must.
teardown() {
	tpm2_flushcontext -t >/dev/null 2>&1
	return 0
}

restart() {
	stop_server "$PORT"
	start_server "$T/server.log" --port "$PORT" --state "$T/state" \
		--key "$T/key"
	echo "$SERVER_PID" >"$T/server.pid"
}

@test "the server prints 'listening on N' and tpm2_startup works" {
	grep -q "^listening on $PORT\$" server.log
	run tpm2_startup -c
	[ "$status" -eq 0 ]
}

@test "tpm2_getrandom returns the bytes asked for" {
	tpm2_getrandom -o r1 32
	tpm2_getrandom -o r2 32
	[ "$(stat -c %s r1)" -eq 32 ]
	run cmp -s r1 r2
	[ "$status" -ne 0 ]
}

@test "tpm2_pcrextend: PCR 16 = SHA-256(old || digest), checked with sha256sum" {
	local old new want
	old=$(pcr_sha256 16)
	[ "$old" = "$(printf '0%.0s' {1..64})" ]
	tpm2_pcrextend "16:sha256=$(cat digest)"
	new=$(pcr_sha256 16)
	want=$(printf '%s%s' "$old" "$(cat digest)" | xxd -r -p | sha256sum | cut -d' ' -f1)
	[ "$new" = "$want" ]
	echo "$new" >pcr16
}

@test "tpm2-tss's POWER_ON and NV_ON of every tool call leave a running TPM alone" {
	tpm2_pcrextend "23:sha256=$(cat digest)"
	# Each tool call opens new connections and powers on again.
	[ "$(pcr_sha256 23)" != "$(printf '0%.0s' {1..64})" ]
	[ "$(mssim $((PORT + 1)) 1 b)" = "$(printf '0\n0')" ]
	[ "$(pcr_sha256 16)" = "$(cat pcr16)" ]
}

@test "tpm2_createprimary, evictcontrol: a persistent primary at 0x81000001" {
	tpm2_createprimary -C o -g sha256 -G ecc256 -c prim.ctx
	tpm2_evictcontrol -C o -c prim.ctx 0x81000001
	tpm2_getcap handles-persistent | grep -q 0x81000001
	tpm2_readpublic -c 0x81000001 -o prim.pub >/dev/null
}

@test "tpm2_createek: a persistent EK at 0x81010001" {
	tpm2_createek -c 0x81010001 -G rsa -u ek.pub
	tpm2_getcap handles-persistent | grep -q 0x81010001
}

@test "tpm2_create + tpm2_load, tpm2_sign verified by openssl, not for another message" {
	tpm2_create -C 0x81000001 -G rsa2048:rsassa:null -u sig.pub -r sig.priv
	tpm2_load -C 0x81000001 -u sig.pub -r sig.priv -c sig.ctx
	head -c 300 /dev/urandom >msg
	tpm2_sign -c sig.ctx -g sha256 -s rsassa -f plain -o msg.sig msg
	tpm2_readpublic -c sig.ctx -f pem -o sig.pem >/dev/null
	openssl dgst -sha256 -verify sig.pem -signature msg.sig msg
	printf x >>msg
	run openssl dgst -sha256 -verify sig.pem -signature msg.sig msg
	[ "$status" -ne 0 ]
}

@test "tpm2_quote verified by tpm2_checkquote, and not for another nonce" {
	tpm2_createak -C 0x81010001 -c ak.ctx -G ecc -g sha256 -s ecdsa -u ak.pub -f pem
	tpm2_quote -c ak.ctx -l sha256:0,16 -q 5eed1234 -m q.msg -s q.sig -o q.pcrs -g sha256
	tpm2_checkquote -u ak.pub -m q.msg -s q.sig -f q.pcrs -g sha256 -q 5eed1234
	run tpm2_checkquote -u ak.pub -m q.msg -s q.sig -f q.pcrs -g sha256 -q 5eed1235
	[ "$status" -ne 0 ]
	tpm2_flushcontext -t
}

@test "tpm2_nvdefine, tpm2_nvwrite, tpm2_nvread: 2 KiB" {
	head -c 2048 /dev/urandom >nv.bin
	tpm2_nvdefine 0x1500016 -C o -s 2048 -a 'ownerread|ownerwrite'
	tpm2_nvwrite 0x1500016 -C o -i nv.bin
	tpm2_nvread 0x1500016 -C o -s 2048 -o nv.out
	cmp nv.bin nv.out
}

@test "the platform hierarchy is usable (empty auth, as the reference simulator)" {
	tpm2_nvdefine 0x1400001 -C p -s 8 -a 'ppwrite|ppread|platformcreate'
	printf 'platform' >pp.bin
	tpm2_nvwrite 0x1400001 -C p -i pp.bin
	[ "$(tpm2_nvread 0x1400001 -C p -s 8)" = platform ]
	tpm2_nvundefine 0x1400001 -C p
}

@test "a second server on the same state is refused while the first runs" {
	local other
	other=$(free_port_pair)
	run "$SVSM_SIM" tpm-server --port "$other" --state state --key key
	[ "$status" -eq 1 ]
	[[ "$output" == *"in use by another process"* ]]
	tpm2_getrandom 8 >/dev/null
}

@test "an object sealed to PCR 16 unseals, and not once PCR 16 changed" {
	tpm2_createpolicy --policy-pcr -l sha256:16 -L pcr.policy
	tpm2_create -C 0x81000001 -L pcr.policy -i secret -u seal.pub \
		-r seal.priv -a 'fixedtpm|fixedparent'
	tpm2_load -C 0x81000001 -u seal.pub -r seal.priv -c seal.ctx
	tpm2_unseal -c seal.ctx -p pcr:sha256:16 -o unsealed
	cmp secret unsealed
	tpm2_pcrextend "16:sha256=$(cat digest)"
	run tpm2_unseal -c seal.ctx -p pcr:sha256:16
	[ "$status" -ne 0 ]
}

@test "after a restart on the same state: NV, persistent keys and the EK survive, PCRs reset" {
	tpm2_readpublic -c 0x81010001 -o ek.before >/dev/null
	restart
	tpm2_startup -c
	[ "$(pcr_sha256 16)" = "$(printf '0%.0s' {1..64})" ]
	tpm2_nvread 0x1500016 -C o -s 2048 -o nv.out
	cmp nv.bin nv.out
	tpm2_readpublic -c 0x81010001 -o ek.after >/dev/null
	cmp ek.before ek.after
	tpm2_readpublic -c 0x81000001 -o prim.after >/dev/null
	cmp prim.pub prim.after
	# The key made under the persistent primary still signs.
	tpm2_load -C 0x81000001 -u sig.pub -r sig.priv -c sig.ctx
	tpm2_sign -c sig.ctx -g sha256 -s rsassa -f plain -o msg.sig msg
	openssl dgst -sha256 -verify sig.pem -signature msg.sig msg
	tpm2_flushcontext -t
	# PCR 16 back at the sealed value: the secret unseals again.
	tpm2_pcrextend "16:sha256=$(cat digest)"
	[ "$(pcr_sha256 16)" = "$(cat pcr16)" ]
	tpm2_load -C 0x81000001 -u seal.pub -r seal.priv -c seal.ctx
	tpm2_unseal -c seal.ctx -p pcr:sha256:16 -o unsealed
	cmp secret unsealed
}

@test "power off and on from the platform port is a TPM reset: Startup again, PCRs reset, NV kept" {
	run tpm2_startup -c # already started: TPM_RC_INITIALIZE
	[ "$(pcr_sha256 16)" = "$(cat pcr16)" ]
	[ "$(mssim $((PORT + 1)) 2 1)" = "$(printf '0\n0')" ]
	tpm2_startup -c
	[ "$(pcr_sha256 16)" = "$(printf '0%.0s' {1..64})" ]
	tpm2_nvread 0x1500016 -C o -s 2048 -o nv.out
	cmp nv.bin nv.out
	# Commands while powered off fail (TPM_RC_FAILURE); power on again.
	[ "$(mssim $((PORT + 1)) 2)" = 0 ]
	run tpm2_getrandom 8
	[ "$status" -ne 0 ]
	[ "$(mssim $((PORT + 1)) 1)" = 0 ]
	tpm2_startup -c
	tpm2_getrandom 8 >/dev/null
}

@test "a garbage client and one that leaves mid-frame are dropped; another keeps being served" {
	python3 - "$PORT" <<'PY'
import socket, struct, sys
port = int(sys.argv[1])
def rpc(s, cmd):
    s.sendall(struct.pack(">IBI", 8, 0, len(cmd)) + cmd)
    b = b""
    while len(b) < 4:
        b += s.recv(4 - len(b)) or sys.exit("closed")
    n, = struct.unpack(">I", b)
    b = b""
    while len(b) < n + 4:
        b += s.recv(n + 4 - len(b)) or sys.exit("closed")
    return struct.unpack(">I", b[6:10])[0]
getrandom = bytes.fromhex("80010000000c0000017b0008")
good = socket.create_connection(("127.0.0.1", port))
assert rpc(good, getrandom) == 0
# Garbage: a command number mssim does not have, on either port.
for p in (port, port + 1):
    bad = socket.create_connection(("127.0.0.1", p))
    bad.sendall(b"\xde\xad\xbe\xef" * 4)
    bad.settimeout(5)
    got = b""
    while True:
        k = bad.recv(64)
        if not k:
            break
        got += k
    assert len(got) <= 4, got
# A frame beyond every limit is dropped too.
big = socket.create_connection(("127.0.0.1", port))
big.sendall(struct.pack(">IBI", 8, 0, 1 << 30))
big.settimeout(5)
assert big.recv(64) == b""
# Half a frame, then gone.
half = socket.create_connection(("127.0.0.1", port))
half.sendall(struct.pack(">IBI", 8, 0, 12) + b"\x80\x01")
half.close()
# The first client is still served, in sync.
assert rpc(good, getrandom) == 0
print("ok")
PY
	tpm2_getrandom 8 >/dev/null
}

@test "kill -9 during NV writes: each restart holds the old or the new value" {
	local i prev cur v
	tpm2_nvdefine 0x1500017 -C o -s 64 -a 'ownerread|ownerwrite'
	printf 'v%063d' 0 >val.0
	tpm2_nvwrite 0x1500017 -C o -i val.0
	prev=$(cat val.0)
	for i in $(seq 1 12); do
		# A burst of writes; SIGKILL lands somewhere in it.
		(for v in $(seq $((i * 100)) $((i * 100 + 20))); do
			printf 'v%063d' "$v" >"val.$v"
			tpm2_nvwrite 0x1500017 -C o -i "val.$v" 2>/dev/null || exit 0
			echo "$v" >>written
		done) &
		sleep "0.0$((RANDOM % 9 + 1))"
		kill -9 "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null || true # reaped if ours
		wait_gone "$SERVER_PID"
		wait
		start_server "$T/server.log" --port "$PORT" --state "$T/state" \
			--key "$T/key"
		echo "$SERVER_PID" >"$T/server.pid"
		tpm2_startup -c || {
			cat "$T/server.log"
			false
		}
		tpm2_nvread 0x1500017 -C o -s 64 -o cur
		cur=$(cat cur)
		# The value is one that was written: the last one acknowledged
		# or the one in flight when the server died, never a mix.
		[[ "$cur" =~ ^v[0-9]{63}$ ]]
		v=$((10#${cur#v}))
		[ "$cur" = "$prev" ] || [ -f "val.$v" ]
		if [ -f written ]; then
			[ "$v" -ge "$(tail -n 1 written)" ]
		fi
		rm -f written
		prev=$cur
	done
}

@test "a tampered, truncated or other-key state is refused with a reason, never replaced" {
	local size
	stop_server "$PORT"
	rm -f "$T/server.pid"
	cp state/vtpm.state good.state
	size=$(stat -c %s state/vtpm.state)
	# Flip a byte in the last record (the live log's end).
	printf '\x55' | dd of=state/vtpm.state bs=1 seek=$((size - 40)) conv=notrunc 2>/dev/null
	run "$SVSM_SIM" tpm-server --port "$PORT" --state state --key key
	[ "$status" -eq 1 ]
	[[ "$output" == *"refused: the state fails authentication"* ]]
	cp good.state state/vtpm.state
	truncate -s $((size - 100)) state/vtpm.state
	run "$SVSM_SIM" tpm-server --port "$PORT" --state state --key key
	[ "$status" -eq 1 ]
	[[ "$output" == *"refused: the state is truncated"* ]]
	cp good.state state/vtpm.state
	head -c 32 /dev/urandom >other.key
	run "$SVSM_SIM" tpm-server --port "$PORT" --state state --key other.key
	[ "$status" -eq 1 ]
	[[ "$output" == *"refused: the state was made with another key"* ]]
	head -c 31 /dev/urandom >short.key
	run "$SVSM_SIM" tpm-server --port "$PORT" --state state --key short.key
	[ "$status" -eq 1 ]
	[[ "$output" == *"exactly 32 bytes"* ]]
	# Nothing was replaced: the good state still opens, NV intact.
	cmp good.state state/vtpm.state
	start_server "$T/server.log" --port "$PORT" --state "$T/state" \
		--key "$T/key"
	echo "$SERVER_PID" >"$T/server.pid"
	tpm2_startup -c
	tpm2_nvread 0x1500016 -C o -s 2048 -o nv.out
	cmp nv.bin nv.out
}

@test "STOP ends the server cleanly (exit 0, no leak under ASan) with its NV store's counters" {
	stop_server "$PORT"
	start_server "$T/server.log" --port "$PORT" --state "$T/state" \
		--key "$T/key"
	tpm2_startup -c
	tpm2_nvwrite 0x1500016 -C o -i secret
	stop_server "$PORT"
	rm -f "$T/server.pid"
	[ "$SERVER_STATUS" -eq 0 ]
	grep -q '^tpm-server: stopped' server.log
	grep -Eq '^nv store: [1-9][0-9]* commits' server.log
}

#!/bin/bash
# landstrip-supervisor attacked: every rule it decides (supervisor/decide.h),
# every address form of THREATS.md #10, racing threads (#4), the supervisor
# killed or outlived (#3), its reports, nesting (#13), session mode and a
# hostile tool writing to the session socket.  Each refusal has a baseline
# showing the same call works (or fails otherwise) unconfined, so that every
# check can fail.  Listeners outside the sandbox are on loopback only.
. "$(dirname "$0")/../lib/tap.sh"
# The listeners outside the sandbox, and free ports, are python3's; the
# supervisors are found with pgrep.
needs_tool "every supervisor check (the listeners are python3, supervisors found with pgrep)" python3 pgrep || exit 0
# Its policies are mediated, mostly by per-tool supervisors: where none
# can reach its tool, this script cannot run (tests/lib/tap.sh).
needs_per_tool "every check of this script (mediated policies)" || exit 0

SUP="$(dirname "$LS")/landstrip-supervisor"
P="$T/proj"
mkdir -p "$P/src" "$T/outside/sub" "$T/state"

# ---- helpers -------------------------------------------------------------------
check_out_not() {
	if grep -Eq -- "$2" "$T/out"; then
		echo "#   stdout matches: $2"
		_tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}
check_err_not() {
	if grep -Eq -- "$2" "$T/err"; then
		echo "#   stderr matches: $2"
		_tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}
# in_cfg NAME CMD...: run CMD under the shim with $T/cfg/NAME.ini.
in_cfg() {
	local cfg=$1
	shift
	"$LS" -c "$T/cfg/$cfg.ini" -- "$@"
}
# refused_in CFG DESC ERRNO ARG...: `$TRY ARG...` works unconfined (or fails
# there with another errno) and fails inside with ERRNO.
refused_in() {
	local cfg=$1 desc=$2 errno=$3
	shift 3
	refused_via "$desc" "$errno" in_cfg "$cfg" ::: "$@"
}
# same_answer CFG DESC ARG...: the mediated call gets the answer the
# kernel gives unconfined (malformed addresses: the kernel's errno).
same_answer() {
	local cfg=$1 desc=$2 want got
	shift 2
	want=$("$TRY" "$@" 2>/dev/null </dev/null | head -n 1)
	got=$(in_cfg "$cfg" "$TRY" "$@" 2>/dev/null </dev/null | head -n 1)
	kernel_answer "$desc" "$want" "$got"
}
# The per-tool supervisors whose stderr is FILE (a supervisor inherits the
# stderr of the shim that started it).  argv[0] is checked, not the command
# line alone, which a shell script mentioning it would match too.
supervisors_of() {
	local p
	for p in $(pgrep -f '^landstrip-supervisor' 2>/dev/null); do
		[ "$(readlink "/proc/$p/fd/2" 2>/dev/null)" = "$1" ] || continue
		[ "$(tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | head -n 1)" = landstrip-supervisor ] &&
			echo "$p"
	done
}
# Every landstrip-supervisor process (per-tool or session) whose stderr is
# FILE.
all_supervisors_of() {
	local p a
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/fd/2" 2>/dev/null)" = "$1" ] || continue
		a=$(tr '\0' '\n' <"$p/cmdline" 2>/dev/null | head -n 1)
		[ "${a##*/}" = landstrip-supervisor ] && echo "${p#/proc/}"
	done
}
# wait_for FILE [TENTHS]: until FILE exists (default 5 s).
wait_for() {
	local i
	for ((i = 0; i < ${2:-50}; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# in_dir DIR CMD...: run CMD with DIR as its working directory.
in_dir() {
	(cd "$1" || exit 99; shift; "$@")
}
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ---- listeners outside the sandbox ------------------------------------------------
# P1 (the proxy) and P2 (forbidden) on 127.0.0.1 and ::1; P3 on 127.0.0.1
# with SO_REUSEPORT (a host service's port group); P4 on 127.0.0.1 only; a
# pathname socket in $T/outside and an abstract one.  Each connection is
# accepted and closed at once.
server_py='
import os, select, socket, sys
portfile, unix_path, abstract = sys.argv[1:4]
socks, ports, v6 = [], [], 1
def listen(fam, host, port, reuse=False):
    s = socket.socket(fam)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    if reuse:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind((host, port)); s.listen(1024); socks.append(s)
    return s.getsockname()[1]
for i in range(4):
    port = listen(socket.AF_INET, "127.0.0.1", 0, reuse=(i == 2))
    ports.append(port)
    if i < 2:
        try: listen(socket.AF_INET6, "::1", port)
        except OSError: v6 = 0
for addr in (unix_path, "\0" + abstract):
    u = socket.socket(socket.AF_UNIX); u.bind(addr); u.listen(64)
    socks.append(u)
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d %d %d %d\n" % (ports[0], ports[1], ports[2], ports[3], v6))
os.rename(portfile + ".tmp", portfile)
while True:
    for s in select.select(socks, [], [])[0]:
        try: s.accept()[0].close()
        except OSError: pass
'
abstract="landstrip-ext-$$-$RANDOM"
ext="$T/outside/ext.sock"
timeout 600 python3 -c "$server_py" "$T/ports" "$ext" "$abstract" \
	</dev/null >/dev/null 2>"$T/server.err" &
server=$!
bg_pids=()
cleanup() {
	kill "$server" "${bg_pids[@]}" 2>/dev/null
	wait "$server" "${bg_pids[@]}" 2>/dev/null
	_tap_done
}
trap cleanup EXIT
wait_for "$T/ports" 100
read -r P1 P2 P3 P4 have_v6 <"$T/ports" || {
	echo "# listener did not start: $(cat "$T/server.err")"
	P1=1 P2=2 P3=3 P4=4 have_v6=0
}
ifaddr=$(ip -4 -o addr show scope global 2>/dev/null |
	awk '{ sub(/\/.*/, "", $4); print $4; exit }')

# ---- policies ----------------------------------------------------------------------
# lb: loopback binds and a proxy port; unix: the outside socket listed in
# allowUnixSockets and a proxy port, no loopback binds (mediated for the
# unix socket in any mode); proxy: a proxy port alone (mediated at least
# under a session supervisor; see 20-network.sh for per-tool mode).
cat >"$T/cfg/lb.ini" <<INI
[sandbox]
allowWrite = $P
allowLocalBinding = true
httpProxyPort = $P1
INI
cat >"$T/cfg/proxy.ini" <<INI
[sandbox]
allowWrite = $P
httpProxyPort = $P1
INI
cat >"$T/cfg/unix.ini" <<INI
[sandbox]
allowWrite = $P
allowUnixSockets = $ext
httpProxyPort = $P1
INI
cat >"$T/cfg/plain.ini" <<INI
[sandbox]
allowWrite = $P
INI

# =================================================================================
# TCP bind: loopback only, never SO_REUSEPORT (THREATS.md #5, #10)
# =================================================================================
check "baseline: bind 127.0.0.1:0 unconfined" 0 "$TRY" bind 127.0.0.1 0
check "allowLocalBinding: bind 127.0.0.1:0" 0 in_cfg lb "$TRY" bind 127.0.0.1 0
check "allowLocalBinding: bind 127.0.0.2:0 (127/8 is loopback)" 0 in_cfg lb "$TRY" bind 127.0.0.2 0
refused_in lb "bind 0.0.0.0:0" EACCES bind 0.0.0.0 0
check_err "the refusal is reported with the hint" \
	"^landstrip: refused bind 0\.0\.0\.0:0 by try \(pid [0-9]+\): .*loopback.* \(in $T/cfg/lb.ini\)\$"
refused_in lb "bind AF_UNSPEC on an AF_INET socket (the kernel binds 0.0.0.0)" EACCES bind-unspec
if [ -n "$ifaddr" ]; then
	refused_in lb "bind this machine's address $ifaddr" EACCES bind "$ifaddr" 0
fi
if [ "$have_v6" = 1 ]; then
	check "allowLocalBinding: bind [::1]:0" 0 in_cfg lb "$TRY" bind ::1 0
	refused_in lb "bind [::]:0" EACCES bind :: 0
	refused_in lb "bind v4-mapped any [::ffff:0.0.0.0]:0" EACCES bind ::ffff:0.0.0.0 0
	check "baseline: bind v4-mapped loopback unconfined" 0 "$TRY" bind ::ffff:127.0.0.1 0
	check "allowLocalBinding: bind v4-mapped loopback [::ffff:127.0.0.1]:0" 0 \
		in_cfg lb "$TRY" bind ::ffff:127.0.0.1 0
	if [ -n "$ifaddr" ]; then
		refused_in lb "bind v4-mapped [::ffff:$ifaddr]:0" EACCES bind "::ffff:$ifaddr" 0
	fi
else
	skip "IPv6 bind forms" "no ::1 on this machine"
fi
check "allowLocalBinding: serve-self on 127.0.0.1 (bind 0, listen, connect)" 0 \
	in_cfg lb "$TRY" serve-self 127.0.0.1
[ "$have_v6" = 1 ] && check "allowLocalBinding: serve-self on ::1" 0 in_cfg lb "$TRY" serve-self ::1
# (Their baselines would listen on 0.0.0.0: bind 0.0.0.0 above and
# 20-network.sh's listen-unbound baseline stand for them.)
check "serve-self on 0.0.0.0" 1 in_cfg lb "$TRY" serve-self 0.0.0.0
check_out "refused with EACCES" '^EACCES$'
check "listen on an unbound socket (auto-binds 0.0.0.0)" 1 in_cfg lb "$TRY" listen-unbound
check_out "refused with EACCES" '^EACCES$'
check_err "listen refusal reported" '^landstrip: refused listen .*binds 0\.0\.0\.0'

# The family is the socket's (SO_DOMAIN), never the address's; malformed
# addresses get the kernel's own errno.
same_answer lb "AF_INET socket, IPv6 address" bind-family inet ::1 0
same_answer lb "AF_INET6 socket, IPv4 address" bind-family inet6 127.0.0.1 0
same_answer lb "AF_INET6 socket, IPv4 address padded to 28 bytes" bind-family inet6 127.0.0.1 0 28
same_answer lb "AF_UNIX socket, IPv4 address" bind-family unix 127.0.0.1 0
same_answer lb "AF_INET, 15-byte address" bind-family inet 127.0.0.1 0 15
same_answer lb "AF_INET, 1-byte address" bind-family inet 127.0.0.1 0 1
same_answer lb "AF_INET, 0-byte address" bind-family inet 127.0.0.1 0 0
same_answer lb "AF_INET, 200-byte address (over sockaddr_storage)" bind-family inet 127.0.0.1 0 200
same_answer lb "AF_INET6, 23-byte address" bind-family inet6 ::1 0 23
same_answer lb "AF_INET6, 24-byte address (RFC 2133 size)" bind-family inet6 ::1 0 24

# SO_REUSEPORT: a socket in a host service's port group would take its
# connections.  A TCP socket joins the group's traffic when it listens,
# and that is where it is refused: the bind alone takes nothing.
refused_in lb "listen with SO_REUSEPORT on 127.0.0.1:0" EACCES reuseport 127.0.0.1 0
check_err "SO_REUSEPORT refusal reported" '^landstrip: refused listen 127\.0\.0\.1:[0-9]+ .*SO_REUSEPORT'
refused_in lb "join the host's SO_REUSEPORT group on 127.0.0.1:$P3" EACCES reuseport 127.0.0.1 "$P3"
check "a SO_REUSEPORT bind alone is let through" 0 in_cfg lb "$TRY" reuseport 127.0.0.1 0 bind-only
refused_in lb "set SO_REUSEPORT after bind, then listen" EACCES reuseport-after-bind 127.0.0.1 0

# A handled signal every 20 us (SA_RESTART): unconfined, bind is never
# interrupted.  Mediated, the tool waits killably once the supervisor has
# the call (Linux 5.19): no EINTR, and no bind restarted after the
# supervisor performed it (EINVAL).
check "3000 binds under a signal storm, unconfined" 0 "$TRY" signal-storm bind 3000 restart
check "3000 binds under a signal storm, mediated" 0 in_cfg lb "$TRY" signal-storm bind 3000 restart

# Without allowLocalBinding the supervisor (there for the unix socket and
# the proxy port) refuses every bind, and says which key is missing.
refused_in unix "bind 127.0.0.1:0 without allowLocalBinding" EACCES bind 127.0.0.1 0
check_err "the report names allowLocalBinding" \
	"^landstrip: refused bind 127\.0\.0\.1:0 by try \(pid [0-9]+\): allowLocalBinding = true \(in $T/cfg/unix.ini\)\$"
check "without allowLocalBinding: serve-self" 1 in_cfg unix "$TRY" serve-self 127.0.0.1
check_out "refused with EACCES" '^EACCES$'
# A proxy port alone, under a session supervisor: the same.
check "session, a proxy port alone: bind 127.0.0.1:0" 1 "$SUP" -- "$LS" -c "$T/cfg/proxy.ini" -- "$TRY" bind 127.0.0.1 0
check_out "refused with EACCES" '^EACCES$'
check_err "the report names allowLocalBinding" \
	"^landstrip: refused bind 127\.0\.0\.1:0 by try \(pid [0-9]+\): allowLocalBinding = true \(in $T/cfg/proxy.ini\)\$"

# ---- racing threads: the supervisor binds its own copy (THREATS.md #4) --------------
# A second thread flips the sockaddr between 127.0.0.1 and 0.0.0.0.
timeout 120 "$TRY" bind-race 20000 >"$T/out" 2>"$T/err" </dev/null
if [ $? = 3 ]; then
	_tap_result ok "baseline: the bind race binds 0.0.0.0 unconfined"
	check "bind race inside: 3000 binds while the address flips" 0 \
		timeout 120 "$LS" -c "$T/cfg/lb.ini" -- "$TRY" bind-race 3000
	check_out "never bound 0.0.0.0" '^ok [0-9]+ bound$'
	check_out_not "no escape" 'ESCAPED'
else
	skip "bind race" "unconfined the race never bound 0.0.0.0: $(head -n 1 "$T/out")"
fi
# The port flips between the proxy port and a forbidden one with a listener.
timeout 120 "$TRY" connect-race "$P1" "$P2" 20000 >"$T/out" 2>"$T/err" </dev/null
if [ $? = 3 ]; then
	_tap_result ok "baseline: the connect race reaches the forbidden port unconfined"
	check "connect race inside: 3000 connects while the port flips" 0 \
		timeout 120 "$LS" -c "$T/cfg/lb.ini" -- "$TRY" connect-race "$P1" "$P2" 3000
	check_out "never connected to the forbidden port" '^ok [0-9]+ connected$'
	check_out_not "no escape" 'ESCAPED'
	check_err "refusals are rate-limited: a few lines" '(more refusals not shown|rate limit)'
	lines=$(grep -c '^landstrip: refused' "$T/err")
	pass "at most 100 report lines for ~1500 refusals ($lines)" test "$lines" -le 100
else
	skip "connect race" "unconfined the race never reached the forbidden port: $(head -n 1 "$T/out")"
fi

# =================================================================================
# TCP connect: proxy ports and addresses bound inside, on loopback
# =================================================================================
check "baseline: connect to the forbidden port unconfined" 0 "$TRY" connect 127.0.0.1 "$P2"
check "connect to the proxy port" 0 in_cfg unix "$TRY" connect 127.0.0.1 "$P1"
check "connect to a forbidden loopback port" 1 in_cfg unix "$TRY" connect 127.0.0.1 "$P2"
check_out "refused with EACCES" '^EACCES$'
check_err "and reported" "^landstrip: refused connect 127\.0\.0\.1:$P2 by try \(pid [0-9]+\): "
check "allowLocalBinding does not open other loopback ports" 1 in_cfg lb "$TRY" connect 127.0.0.1 "$P2"
check_out "refused with EACCES" '^EACCES$'
# Listened-on records are exact: address and port, not the port alone.
check "baseline: connect to 127.0.0.1:$P4 unconfined" 0 "$TRY" connect 127.0.0.1 "$P4"
check "listen on 127.0.0.2:$P4 inside, then connect to the host's 127.0.0.1:$P4" 0 \
	in_cfg lb bash -c '"$1" listen 127.0.0.2 "$2"; "$1" connect 127.0.0.1 "$2"; exit 0' _ "$TRY" "$P4"
check_out "the listen worked" '^ok$'
check_out "the connect to the host's address was refused" '^EACCES$'
if [ "$have_v6" = 1 ]; then
	check "listen on [::1]:$P4 inside, then connect to the host's 127.0.0.1:$P4" 0 \
		in_cfg lb bash -c '"$1" listen ::1 "$2"; "$1" connect 127.0.0.1 "$2"; "$1" connect ::ffff:127.0.0.1 "$2"; exit 0' _ "$TRY" "$P4"
	check_out "the listen worked" '^ok$'
	pass "both connects to the host's address were refused" \
		test "$(grep -c '^EACCES$' "$T/out")" = 2
fi
# A socket that is bound but never listens is recorded nowhere: a TCP
# connect could not reach it anyway, and the bind saves the look-ups.
quiet=$(free_port)
check "bind 127.0.0.1:$quiet inside without listening, then connect to it" 0 \
	in_cfg lb bash -c '"$1" bind 127.0.0.1 "$2"; "$1" connect 127.0.0.1 "$2"; exit 0' _ "$TRY" "$quiet"
check_out "the bind worked" '^ok$'
check_out "the connect was refused by the supervisor, not by the kernel" '^EACCES$'

# A record outlives the socket: listen on 127.0.0.1:PORT inside and close
# it; a host service then starts on that port; the sandbox must not reach it.
stale=$(free_port)
rm -f "$P/stale.bound" "$T/state/stale.host"
in_cfg lb bash -c '"$1" listen 127.0.0.1 "$2" && : >stale.bound
	for i in $(seq 50); do [ -e "$3" ] && break; sleep 0.1; done
	"$1" connect 127.0.0.1 "$2"' _ "$TRY" "$stale" "$T/state/stale.host" \
	>"$T/stale.out" 2>"$T/stale.err" </dev/null &
stale_job=$!
if wait_for "$P/stale.bound"; then
	timeout 20 python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
open(sys.argv[2], "w").close(); time.sleep(5)' "$stale" "$T/state/stale.host" &
	bg_pids+=($!)
fi
wait "$stale_job"
check "baseline: the host service on the formerly bound port accepts" 0 "$TRY" connect 127.0.0.1 "$stale"
cp "$T/stale.out" "$T/out"
cp "$T/stale.err" "$T/err"
check_out "a port listened on (and closed) inside earlier does not reach a host service there now" '^EACCES$'
check_err "and the refusal says why" 'the port bound inside was let go and another program listens there now'

# 0.0.0.0 is routed locally but is not loopback; nor is this host's address.
check "baseline: connect to 0.0.0.0:$P1 unconfined" 0 "$TRY" connect 0.0.0.0 "$P1"
check "connect to the proxy port on 0.0.0.0" 1 in_cfg unix "$TRY" connect 0.0.0.0 "$P1"
check_out "refused with EACCES" '^EACCES$'

# ---- another sandbox's sockets are not "bound inside" ---------------------------------
# Sandbox A serves on loopback and on a socket file; sandbox B (its own
# supervisor) may not connect to them; A's own processes may.
rm -f "$P/a.ready"
in_cfg lb python3 -c '
import socket, time
t = socket.socket(); t.bind(("127.0.0.1", 0)); t.listen(4)
u = socket.socket(socket.AF_UNIX); u.bind("a.sock"); u.listen(4)
with open("a.port", "w") as f: f.write("%d\n" % t.getsockname()[1])
open("a.ready", "w").close()
time.sleep(8)' </dev/null >/dev/null 2>"$T/a.err" &
a_job=$!
bg_pids+=($a_job)
if wait_for "$P/a.ready" 100; then
	aport=$(cat "$P/a.port")
	check "baseline: sandbox A's TCP socket accepts unconfined" 0 "$TRY" connect 127.0.0.1 "$aport"
	check "baseline: sandbox A's unix socket accepts unconfined" 0 "$TRY" unix-connect "$P/a.sock"
	check "sandbox B connects to A's loopback port" 1 in_cfg lb "$TRY" connect 127.0.0.1 "$aport"
	check_out "refused with EACCES" '^EACCES$'
	check "sandbox B connects to A's unix socket" 1 in_cfg lb "$TRY" unix-connect "$P/a.sock"
	check_out "refused with EACCES" '^EACCES$'
else
	skip "another sandbox's sockets" "sandbox A did not start: $(head -n 3 "$T/a.err")"
fi
kill "$a_job" 2>/dev/null

# =================================================================================
# Unix sockets: pathname bind in allowWrite dirs, connect to allowUnixSockets
# or to sockets bound inside; abstract names; no datagrams (THREATS.md #1)
# =================================================================================
check "unix stream socket" 0 in_cfg lb "$TRY" socket unix stream
check "unix seqpacket socket" 0 in_cfg lb "$TRY" socket unix seqpacket
refused_in lb "unix datagram socket (sendto reaches any socket file)" EACCES socket unix dgram
refused_in lb "unix datagram socket with a 64-bit type argument" EACCES socket-wide unix dgram
refused_in lb "unix datagram socketpair" EACCES socketpair unix dgram

check "baseline: bind a socket file outside the write dirs unconfined" 0 "$TRY" unix-bind "$T/outside/base.sock"
check "bind a socket file in an allowWrite dir" 0 in_cfg lb "$TRY" unix-bind "$P/in.sock"
pass "the socket file exists" test -S "$P/in.sock"
check "bind a socket file outside the write dirs" 1 in_cfg lb "$TRY" unix-bind "$T/outside/out.sock"
check_out "refused with EACCES" '^EACCES$'
check_err "reported with the hint" "^landstrip: refused bind $T/outside/out\.sock by try \(pid [0-9]+\): bind sockets inside an allowWrite directory"
pass "no socket file outside" test ! -e "$T/outside/out.sock"
ln -s "$T/outside" "$P/lnk"
check "baseline: bind through a symlinked dir unconfined" 0 "$TRY" unix-bind "$P/lnk/base2.sock"
check "bind through a symlink in the write dir pointing outside" 1 in_cfg lb "$TRY" unix-bind "$P/lnk/evil.sock"
check_out "refused with EACCES" '^EACCES$'
pass "no socket file outside" test ! -e "$T/outside/evil.sock"
check "bind via .. out of the write dir" 1 in_cfg lb "$TRY" unix-bind "$P/../outside/dots.sock"
check_out "refused with EACCES" '^EACCES$'
check "relative name from a cwd in the write dir" 0 in_cfg lb "$TRY" unix-bind rel.sock
pass "created relative to the tool's cwd" test -S "$P/rel.sock"
check "relative name from a cwd outside the write dirs" 1 in_dir "$T/outside" in_cfg lb "$TRY" unix-bind rel2.sock
check_out "refused with EACCES" '^EACCES$'
pass "no socket file outside" test ! -e "$T/outside/rel2.sock"

# A relative name joined to a deep cwd is longer than sun_path: the
# supervisor must refuse (ENAMETOOLONG), never truncate to another name.
deep="$P/$(printf 'd%.0s' $(seq $((112 - ${#P}))))"
mkdir -p "$deep"
check "baseline: relative bind from a ${#deep}-byte cwd unconfined" 0 in_dir "$deep" "$TRY" unix-bind r.sock
rm -f "$deep/r.sock"
check "relative bind from a ${#deep}-byte cwd" 1 in_dir "$deep" in_cfg lb "$TRY" unix-bind r.sock
check_out "refused with ENAMETOOLONG" '^ENAMETOOLONG$'
pass "nothing was created in its place" test ! -e "$deep/r.sock"
pass "nor a truncated name" test -z "$(find "$P" -maxdepth 1 -name 'd*' -type s)"
check "relative bind with .. from the deep cwd (short once resolved)" 0 in_dir "$deep" in_cfg lb "$TRY" unix-bind ../up.sock
pass "created where the kernel would" test -S "$P/up.sock"
check "relative connect from the deep cwd" 1 in_dir "$deep" in_cfg lb "$TRY" unix-connect r.sock
check_out "refused with ENAMETOOLONG" '^ENAMETOOLONG$'

# Unterminated sun_path: the name ends at the address length, junk after it.
ut="$P/ut.sock"
utout="$T/outside/ut.sock"
check "baseline: unterminated sun_path unconfined" 0 "$TRY" unix-bind-len "$utout" ${#utout}
pass "baseline: bound exactly the name within the length" test -S "$utout"
check "unterminated sun_path ($((${#ut})) bytes, junk after)" 0 in_cfg lb "$TRY" unix-bind-len "$ut" ${#ut}
pass "bound exactly the name within the length" test -S "$ut"
pass "not the name with the junk after it" test -z "$(find "$P" -maxdepth 1 -name 'ut.sockX*')"
# A 108-byte name fills sun_path with no NUL: legal for the kernel; the
# supervisor refuses it (decide.h: its paths are C strings).
full="$P/$(printf 'f%.0s' $(seq $((108 - ${#P} - 1))))"
fullout="$T/outside/$(printf 'f%.0s' $(seq $((108 - ${#T} - 9))))"
check "baseline: a 108-byte unterminated name binds unconfined" 0 "$TRY" unix-bind-len "$fullout" 108
check "a 108-byte unterminated name" 1 in_cfg lb "$TRY" unix-bind-len "$full" 108
check_out "refused with ENAMETOOLONG" '^ENAMETOOLONG$'

# Connect: only allowUnixSockets and sockets bound inside.
check "baseline: the outside socket accepts unconfined" 0 "$TRY" unix-connect "$ext"
check "connect to a socket listening outside" 1 in_cfg lb "$TRY" unix-connect "$ext"
check_out "refused with EACCES" '^EACCES$'
check_err "the report names the INI line that would allow it" \
	"^landstrip: refused connect $ext by try \(pid [0-9]+\): allowUnixSockets = $ext \(in $T/cfg/lb.ini\)\$"
check "the same path listed in allowUnixSockets" 0 in_cfg unix "$TRY" unix-connect "$ext"
ln -s "$ext" "$P/ext-link.sock"
check "baseline: connect through a symlink unconfined" 0 "$TRY" unix-connect "$P/ext-link.sock"
check "connect through a symlink in the write dir to the outside socket" 1 in_cfg lb "$TRY" unix-connect "$P/ext-link.sock"
check_out "refused with EACCES" '^EACCES$'
check "through the symlink when the target is listed" 0 in_cfg unix "$TRY" unix-connect "$P/ext-link.sock"
# A hard link in the write dir reaches the same inode (THREATS.md #12):
# the tool cannot make one (Landlock's EXDEV), but one may exist already.
check "baseline: hard-link the outside socket elsewhere unconfined" 0 \
	"$TRY" link "$ext" "$T/outside/sub/ext-hard-base.sock"
check "hard-link the outside socket into the write dir" 1 in_cfg lb "$TRY" link "$ext" "$P/ext-hard.sock"
check_out "refused by Landlock (EXDEV)" '^EXDEV$'
if ln "$ext" "$P/ext-hard.sock" 2>/dev/null; then
	check "baseline: connect through the hard link unconfined" 0 "$TRY" unix-connect "$P/ext-hard.sock"
	check "connect through a hard link in the write dir to the outside socket" 1 \
		in_cfg lb "$TRY" unix-connect "$P/ext-hard.sock"
	check_out "refused with EACCES" '^EACCES$'
else
	skip "hard link to the outside socket" "cannot link it here"
fi
check "a socket bound inside is reachable from inside (unix-serve-self)" 0 \
	in_cfg lb "$TRY" unix-serve-self "$P/self.sock"
check "with a relative name" 0 in_cfg lb "$TRY" unix-serve-self self2.sock
check "allowUnixSockets alone (no allowLocalBinding) still serves itself" 0 \
	in_cfg unix "$TRY" unix-serve-self "$P/self3.sock"
refused_in unix "TCP bind under allowUnixSockets alone" EACCES bind 127.0.0.1 0

# Abstract names: autobind only; connect only to names bound inside.
refused_in lb "bind a chosen abstract name (squatting a host service's name)" EACCES \
	abstract-bind "landstrip-squat-$$"
check_err "reported" '^landstrip: refused bind @landstrip-squat-'
refused_in lb "bind and serve a chosen abstract name" EACCES abstract-serve-self "landstrip-self-$$"
check "baseline: autobind, listen and connect unconfined" 0 "$TRY" autobind-serve-self
check "autobind, listen and connect to the kernel's name" 0 in_cfg lb "$TRY" autobind-serve-self
refused_in lb "connect to an abstract name bound outside" EACCES abstract-connect "$abstract"
check_err "reported" "^landstrip: refused connect @$abstract by try"
# Names reach the agent's terminal escaped.
check "connect to an abstract name with terminal escapes" 1 \
	in_cfg lb "$TRY" abstract-connect $'\033]0;pwned\007\033[2Jx'
check_err "the report shows them as \\\\xNN" 'refused connect @\\x1b\]0;pwned\\x07\\x1b\[2Jx by'
pass "no raw escape byte reaches stderr" test "$(tr -cd '\033\007' <"$T/err" | wc -c)" = 0

# Planting where Landlock forbids creating: a denyWrite entry that does not
# exist yet, the config directory, the default config directory.
mkdir -p "$T/p2/.git/objects" "$T/p2/src" "$HOME/.config"
cat >"$T/cfg/deny.ini" <<INI
[sandbox]
allowWrite = $T/p2
allowWrite = $HOME
denyWrite = $T/p2/.git/hooks
allowLocalBinding = true
INI
mkdir -p "$T/cfg2"
check "baseline: a socket can be bound there unconfined" 0 "$TRY" unix-bind "$T/p2/.git/hooks"
rm -f "$T/p2/.git/hooks"
check "Landlock itself refuses creating the missing denyWrite entry" 1 in_cfg deny "$TRY" create "$T/p2/.git/hooks"
check "plant a socket at the missing denyWrite entry" 1 in_cfg deny "$TRY" unix-bind "$T/p2/.git/hooks"
check_out "refused with EACCES" '^EACCES$'
pass "nothing planted" test ! -e "$T/p2/.git/hooks"
# The deny holds when the socket is made, so the directory around it
# keeps its rights (issue 5: mediated roots).
check "a socket next to it is fine" 0 in_cfg deny "$TRY" unix-bind "$T/p2/top.sock"
check "a sibling dir keeps its rights" 0 in_cfg deny "$TRY" unix-bind "$T/p2/src/ok.sock"
# The supervisor makes the socket file: with the tool's umask, not its own.
check "a socket bound under umask 077" 0 in_cfg deny sh -c "umask 077; '$TRY' unix-bind '$T/p2/src/private.sock'"
pass "  is the tool's alone (srwx------)" test "$(stat -c %A "$T/p2/src/private.sock" 2>/dev/null)" = srwx------
check "a socket bound under umask 002" 0 in_cfg deny sh -c "umask 002; '$TRY' unix-bind '$T/p2/src/shared.sock'"
pass "  is group-writable (srwxrwxr-x)" test "$(stat -c %A "$T/p2/src/shared.sock" 2>/dev/null)" = srwxrwxr-x
check "plant a socket as the default config dir ~/.config/landstrip" 1 \
	in_cfg deny "$TRY" unix-bind "$HOME/.config/landstrip"
check_out "refused with EACCES" '^EACCES$'
pass "nothing planted" test ! -e "$HOME/.config/landstrip"
cat >"$T/cfg2/config.ini" <<INI
[sandbox]
allowWrite = $T
allowLocalBinding = true
INI
check "plant a socket at the config file's path" 1 \
	"$LS" -c "$T/cfg2/config.ini" -- sh -c 'rm -f "$1"; exec "$2" unix-bind "$1"' sh \
	"$T/cfg2/config.ini" "$TRY"
check_out "refused with EACCES" '^EACCES$'
pass "the config file is still there" test -f "$T/cfg2/config.ini"
check "a socket beside the config file is another matter" 0 \
	"$LS" -c "$T/cfg2/config.ini" -- "$TRY" unix-bind "$T/cfg2/beside.sock"

# =================================================================================
# The seccomp side doors stay shut in a mediated sandbox (THREATS.md #3, #6, #7)
# =================================================================================
# What this machine lacks is probed unconfined first (tests/lib/tap.sh).
refused_in lb "mediated: io_uring_setup" ENOSYS io-uring
if needs_i386 "mediated: int 0x80 is killed by SIGSYS"; then
	check "baseline: int 0x80 unconfined" 0 "$TRY" i386
	check "mediated: int 0x80 (i386 socketcall would walk past the notify filter)" 2 in_cfg lb "$TRY" i386
	check_out "killed by SIGSYS" '^killed SIGSYS$'
fi
if needs_x32 "mediated: an x32 syscall is killed by SIGSYS"; then
	check "mediated: x32 syscall" 2 in_cfg lb "$TRY" x32
	check_out "killed by SIGSYS" '^killed SIGSYS$'
fi
refused_in lb "mediated: a seccomp listener of the tool's own" EPERM seccomp-listener

# The tool cannot signal, trace or take fds from its supervisor (#15).
# Signals are refused by Landlock's signal scope, from ABI 6 on.
if needs_abi "the tool against its supervisor" 6 "signal scoping"; then
	rm -f "$P/sup.pid"
	in_cfg lb bash -c 'for i in $(seq 50); do [ -s sup.pid ] && break; sleep 0.1; done
		p=$(cat sup.pid)
		"$1" kill "$p" 0; "$1" kill "$p" 19; "$1" pidfd-getfd "$p" 2; "$1" vm-read "$p"; "$1" ptrace "$p"' \
		_ "$TRY" >"$T/scope.out" 2>"$T/scope.err" </dev/null &
	scope_job=$!
	for _ in $(seq 30); do
		sp=$(supervisors_of "$T/scope.err")
		[ -n "$sp" ] && break
		sleep 0.1
	done
	if [ -n "$sp" ]; then
		check "baseline: signal 0 to the supervisor unconfined" 0 "$TRY" kill "$sp" 0
		check "baseline: take the supervisor's fd unconfined" 0 "$TRY" pidfd-getfd "$sp" 2
		echo "$sp" >"$P/sup.pid"
		wait "$scope_job"
		cp "$T/scope.out" "$T/out"
		pass "the tool cannot signal, pidfd_getfd, read or ptrace its supervisor (5 x EPERM)" \
			test "$(grep -c '^EPERM$' "$T/out")" = 5
		pass "the supervisor survived" test -d "/proc/$sp"
	else
		skip "the tool against its supervisor" "no per-tool supervisor found"
		wait "$scope_job"
	fi
fi

# =================================================================================
# The supervisor gone: every trapped call fails with ENOSYS, for good (#3)
# =================================================================================
timeout 30 "$LS" -c "$T/cfg/lb.ini" -- bash -c '
	"$1" later 2 bind 127.0.0.1 0
	"$1" bind 127.0.0.1 0
	"$1" connect 127.0.0.1 "$2"
	"$1" listen-unbound
	"$1" serve-self 127.0.0.1
	"$1" unix-bind "$3/after-kill.sock"
	"$1" autobind-serve-self
	"$1" bind 0.0.0.0 0
	"$4" -c "$5" -- "$1" bind 127.0.0.1 0' \
	_ "$TRY" "$P1" "$P" "$LS" "$T/cfg/lb.ini" >"$T/kill.out" 2>"$T/kill.err" </dev/null &
kill_job=$!
victim=
for _ in $(seq 15); do
	victim=$(supervisors_of "$T/kill.err")
	[ -n "$victim" ] && break
	sleep 0.1
done
if [ -n "$victim" ]; then
	kill -9 $victim
	wait "$kill_job"
	rc=$?
	cp "$T/kill.out" "$T/out"
	cp "$T/kill.err" "$T/err"
	pass "killed supervisor: the tool does not hang (status $rc)" test "$rc" != 124
	pass "the pending bind then fails with ENOSYS" test "$(head -n 1 "$T/out")" = ENOSYS
	pass "every later trapped call fails with ENOSYS too (9 x ENOSYS)" \
		test "$(grep -c '^ENOSYS$' "$T/out")" = 9
	check_out_not "nothing succeeds after it" '^ok'
	pass "no unix socket was created" test ! -e "$P/after-kill.sock"
else
	skip "kill the supervisor" "no per-tool supervisor found"
	wait "$kill_job"
fi

# =================================================================================
# A background daemon outlives the tool: still mediated, then the supervisor
# exits (#3)
# =================================================================================
rm -f "$P/bg-ok.out" "$P/bg-bad.out"
start=$(date +%s%N)
timeout 10 "$LS" -c "$T/cfg/lb.ini" -- "$TRY" background 2 "$P/bg-ok.out" serve-self 127.0.0.1 \
	>"$T/out" 2>"$T/bg-ok.err" </dev/null
rc1=$?
timeout 10 "$LS" -c "$T/cfg/lb.ini" -- "$TRY" background 2 "$P/bg-bad.out" bind 0.0.0.0 0 \
	>/dev/null 2>"$T/bg-bad.err" </dev/null
rc2=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
pass "the tools exit at once, leaving their daemons ($rc1, $rc2, ${elapsed} ms)" \
	test "$rc1" = 0 -a "$rc2" = 0 -a "$elapsed" -lt 1900
pass "the daemon keeps its supervisor alive" test -n "$(supervisors_of "$T/bg-ok.err")"
# The daemons open their output at once and write to it 2 s later.
for _ in $(seq 60); do
	[ -s "$P/bg-ok.out" ] && [ -s "$P/bg-bad.out" ] && break
	sleep 0.1
done
cp "$P/bg-ok.out" "$T/out" 2>/dev/null || : >"$T/out"
check_out "the daemon's loopback server works 2 s later" '^ok$'
cp "$P/bg-bad.out" "$T/out" 2>/dev/null || : >"$T/out"
check_out "the daemon's bind to 0.0.0.0 is still refused" '^EACCES$'
cp "$T/bg-bad.err" "$T/err"
check_err "and reported on the tool's stderr" '^landstrip: refused bind 0\.0\.0\.0:0 by try'
for _ in $(seq 50); do
	[ -z "$(supervisors_of "$T/bg-ok.err")$(supervisors_of "$T/bg-bad.err")" ] && break
	sleep 0.1
done
pass "the supervisors exit once the daemons are gone" \
	test -z "$(supervisors_of "$T/bg-ok.err")$(supervisors_of "$T/bg-bad.err")"

# Where a per-tool supervisor waits: from Linux 6.11 (a receive that
# returns once the sandbox is gone) in SECCOMP_IOCTL_NOTIF_RECV itself,
# which is quicker than poll(2) and then the receive; before, in poll(2).
# /proc/PID/syscall names the syscall it is blocked in (x86-64 numbers).
kernel_6_11() {
	local v
	v=$(uname -r)
	[ "${v%%.*}" -gt 6 ] || { [ "${v%%.*}" = 6 ] && v=${v#*.} && [ "${v%%[!0-9]*}" -ge 11 ]; }
}
if [ "$(uname -m)" != x86_64 ]; then
	skip "a per-tool supervisor waits in the receive" "x86-64 syscall numbers"
else
	if kernel_6_11; then want=16 what=ioctl; else want=7 what=poll; fi
	in_cfg lb bash -c '"$1" bind 127.0.0.1 0 >/dev/null; sleep 2' _ "$TRY" \
		2>"$T/wait.err" </dev/null &
	wait_job=$!
	got=
	for _ in $(seq 30); do
		sleep 0.1
		sup=$(supervisors_of "$T/wait.err" | head -n 1)
		[ -n "$sup" ] || continue
		got=$(cut -d' ' -f1 "/proc/$sup/syscall" 2>/dev/null)
		[ "$got" = "$want" ] && break
	done
	pass "a per-tool supervisor waits in $what on $(uname -r) (syscall $got)" test "$got" = "$want"
	wait "$wait_job"
	for _ in $(seq 50); do
		[ -z "$(supervisors_of "$T/wait.err")" ] && break
		sleep 0.1
	done
	pass "and exits once its sandbox is gone" test -z "$(supervisors_of "$T/wait.err")"
fi

# Targets killed mid-call: 20 binders in a row are SIGKILLed while they
# bind in a loop, many with a notification received or queued (the
# receive then fails with ENOENT, or the answer does).  The supervisor
# serves on: a bind after them works.
in_cfg lb bash -c '
	for i in $(seq 20); do
		"$1" bind-latency 1000000 >/dev/null 2>&1 & p=$!
		sleep 0.0$((RANDOM % 4 + 1)); kill -9 "$p"; wait "$p" 2>/dev/null
	done
	"$1" bind 127.0.0.1 0' _ "$TRY" >"$T/out" 2>"$T/killed.err" </dev/null
check_out "binders killed mid-call: the supervisor serves the next bind" '^ok$'
for _ in $(seq 50); do
	[ -z "$(supervisors_of "$T/killed.err")" ] && break
	sleep 0.1
done
pass "and exits after them" test -z "$(supervisors_of "$T/killed.err")"

# =================================================================================
# Reports: [landstrip] report = none | FILE
# =================================================================================
check "report to stderr: the line names the tool's pid" 1 \
	bash -c 'echo $$; exec "$@"' _ "$LS" -c "$T/cfg/unix.ini" -- "$TRY" bind 127.0.0.1 0
pid=$(head -n 1 "$T/out")
check_err "the line has the tool's pid $pid" "^landstrip: refused bind 127\.0\.0\.1:0 by try \(pid $pid\): "
cat >"$T/cfg/quiet.ini" <<INI
[landstrip]
report = none
[sandbox]
allowWrite = $P
allowUnixSockets = $ext
httpProxyPort = $P1
INI
check "report = none: bind refused" 1 in_cfg quiet "$TRY" bind 127.0.0.1 0
check_out "still EACCES" '^EACCES$'
check_err_not "report = none: no line" 'landstrip: refused'
cat >"$T/cfg/tofile.ini" <<INI
[landstrip]
report = $T/state/report.log
[sandbox]
allowWrite = $P
allowUnixSockets = $ext
httpProxyPort = $P1
INI
check "report = FILE: bind refused" 1 in_cfg tofile "$TRY" bind 127.0.0.1 0
check_out "still EACCES" '^EACCES$'
check_err_not "report = FILE: no line on stderr" 'landstrip: refused'
cp "$T/state/report.log" "$T/err" 2>/dev/null || : >"$T/err"
check_err "report = FILE: the line is in the file" \
	"^landstrip: refused bind 127\.0\.0\.1:0 by try \(pid [0-9]+\): allowLocalBinding = true \(in $T/cfg/tofile.ini\)\$"
# A report file the tool can write to: the tool swaps it for a symlink to
# a file outside its write dirs (a shell rc file), then makes the supervisor
# append a line it chose most of (';' and '|' are printable).
cat >"$T/cfg/swap.ini" <<INI
[landstrip]
report = $P/report.log
[sandbox]
allowWrite = $P
allowUnixSockets = $ext
httpProxyPort = $P1
INI
echo "# victim" >"$T/outside/victim.rc"
check "baseline: the tool cannot write the victim file" 1 in_cfg swap "$TRY" append "$T/outside/victim.rc" x
touch "$P/report.log"
check "the report file is write-denied inside: it cannot be swapped for a symlink" 1 \
	in_cfg swap bash -c 'rm -f report.log && ln -s "$1" report.log' _ "$T/outside/victim.rc"
pass "the report file is still a plain file" test ! -L "$P/report.log"
# Had the swap succeeded, the supervisor would still not follow it.
rm -f "$P/report.log" && ln -s "$T/outside/victim.rc" "$P/report.log"
check "a refused connect with a chosen name" 1 in_cfg swap "$TRY" abstract-connect 'x;touch pwned;#'
pass "the report never follows a symlink out of the write dirs" \
	test "$(cat "$T/outside/victim.rc")" = "# victim"
sed 's/^/#   victim: /' "$T/outside/victim.rc" | head -3

# =================================================================================
# Nesting: an inner shim cannot install a listener and narrows statically (#13)
# =================================================================================
# Nested under a mediating sandbox, an inner policy with fewer proxy ports
# registers its own policy, with a witness inside its Landlock domain: the
# enclosing supervisor then applies both, to the inner domain only.
cat >"$T/cfg/outer-two.ini" <<INI
[sandbox]
allowWrite = $P
httpProxyPort = $P1
socksProxyPort = $P2
INI
cat >"$T/cfg/inner-one.ini" <<INI
[sandbox]
allowWrite = $P
httpProxyPort = $P1
INI
check "baseline: the outer policy reaches its second proxy port" 0 \
	"$LS" -c "$T/cfg/outer-two.ini" -- "$TRY" connect 127.0.0.1 "$P2"
check "nested with fewer proxy ports: the outer's other port is refused" 1 \
	"$LS" -c "$T/cfg/outer-two.ini" -- "$LS" -c "$T/cfg/inner-one.ini" -- "$TRY" connect 127.0.0.1 "$P2"
check_err "the refusal names the nested policy" "inner-one.ini"
check "nested with fewer proxy ports: its own port works" 0 \
	"$LS" -c "$T/cfg/outer-two.ini" -- "$LS" -c "$T/cfg/inner-one.ini" -- "$TRY" connect 127.0.0.1 "$P1"
check "the outer tool keeps its own rules beside a nested one" 0 \
	"$LS" -c "$T/cfg/outer-two.ini" -- sh -c "\"$LS\" -c \"$T/cfg/inner-one.ini\" -- \"$TRY\" connect 127.0.0.1 $P1 >/dev/null; \"$TRY\" connect 127.0.0.1 $P2"
cat >"$T/cfg/inner-unix-only.ini" <<INI
[sandbox]
allowWrite = $P
allowUnixSockets = $T/outside/none.sock
INI
check "a nested policy with only allowUnixSockets is narrowed too" 1 \
	"$LS" -c "$T/cfg/outer-two.ini" -- "$LS" -c "$T/cfg/inner-unix-only.ini" -- "$TRY" connect 127.0.0.1 "$P2"
# The witness lives in the nested domain, where processes may trace each
# other: it is non-dumpable, so the nested tool cannot take its socket to
# forge "my domain is empty" (root loses CAP_SYS_PTRACE in the shim).
cat >"$T/steal-witness.sh" <<'SH'
w=$(pgrep -f 'supervisor --witnes[s]' | tail -n 1)
exec "$1" pidfd-getfd "$w" 3
SH
check "the nested tool cannot take its witness's socket" 1 \
	"$LS" -c "$T/cfg/outer-two.ini" -- "$LS" -c "$T/cfg/inner-one.ini" -- sh "$T/steal-witness.sh" "$TRY"
check_out "refused with EPERM" '^EPERM$'
# The nested tool kills its witness: the narrowing then applies to every
# process of the sandbox, never to none.
cat >"$T/kill-witness.sh" <<'SH'
for p in $(pgrep -f 'supervisor --witnes[s]'); do kill "$p" 2>/dev/null; done
sleep 0.2
exec "$@"
SH
check "a nested tool that kills its witness is still narrowed" 1 \
	"$LS" -c "$T/cfg/outer-two.ini" -- "$LS" -c "$T/cfg/inner-one.ini" -- sh "$T/kill-witness.sh" "$TRY" connect 127.0.0.1 "$P2"

# Nested under a sandbox that allows the network without a supervisor,
# nothing would keep an inner proxy port to loopback or check an inner
# listen's auto-bind: both are refused (the inner shim asks, with a probe,
# whether an enclosing supervisor decides its calls).
# The outer write root is $T/outside, not the project: the project holds
# entries of the built-in protected set, which would make the outer
# policy mediated.
cat >"$T/cfg/outer-net.ini" <<INI
[sandbox]
allowWrite = $T/outside
allowNetwork = true
INI
cat >"$T/cfg/inner-proxy-lb.ini" <<INI
[sandbox]
allowWrite = $P
httpProxyPort = $P1
allowLocalBinding = true
INI
check "baseline: under the open outer policy alone, a listen auto-binds" 0 \
	"$LS" -c "$T/cfg/outer-net.ini" -- "$TRY" listen-unbound
check "nested under an unmediated open sandbox: the inner proxy port is refused" 1 \
	"$LS" -c "$T/cfg/outer-net.ini" -- "$LS" -c "$T/cfg/inner-proxy-lb.ini" -- "$TRY" connect 127.0.0.1 "$P1"
check_out "with EACCES" '^EACCES$'
check "nested under an unmediated open sandbox: listen on an unbound socket is refused" 1 \
	"$LS" -c "$T/cfg/outer-net.ini" -- "$LS" -c "$T/cfg/inner-proxy-lb.ini" -- "$TRY" listen-unbound
check "nested under a mediating sandbox: the inner server still works (listen passes to it)" 0 \
	"$LS" -c "$T/cfg/inner-proxy-lb.ini" -- "$LS" -c "$T/cfg/inner-proxy-lb.ini" -- "$TRY" serve-self 127.0.0.1
check "nested under a mediating sandbox: its supervisor still refuses an unbound listen" 1 \
	"$LS" -c "$T/cfg/inner-proxy-lb.ini" -- "$LS" -c "$T/cfg/inner-proxy-lb.ini" -- "$TRY" listen-unbound

cat >"$T/cfg/inner-nolb.ini" <<INI
[sandbox]
allowWrite = $P
allowLocalBinding = false
httpProxyPort = $P1
INI
cat >"$T/cfg/inner-lb.ini" <<INI
[sandbox]
allowWrite = $P
allowLocalBinding = true
INI
check "outer allowLocalBinding: bind 127.0.0.1:0" 0 in_cfg lb "$TRY" bind 127.0.0.1 0
check "inner allowLocalBinding = false (with a proxy port) under an outer true: bind" 1 \
	in_cfg lb "$LS" -c "$T/cfg/inner-nolb.ini" -- "$TRY" bind 127.0.0.1 0
check_out "refused with EACCES" '^EACCES$'
check "inner false under outer true: listen on an unbound socket" 1 \
	in_cfg lb "$LS" -c "$T/cfg/inner-nolb.ini" -- "$TRY" listen-unbound
check_out "refused with EACCES" '^EACCES$'
check "inner false under outer true: the shared proxy port still connects" 0 \
	in_cfg lb "$LS" -c "$T/cfg/inner-nolb.ini" -- "$TRY" connect 127.0.0.1 "$P1"
check "inner true under outer true: bind 127.0.0.1:0" 0 \
	in_cfg lb "$LS" -c "$T/cfg/inner-lb.ini" -- "$TRY" bind 127.0.0.1 0
check "inner true under outer true: bind 0.0.0.0 (the outer rules still hold)" 1 \
	in_cfg lb "$LS" -c "$T/cfg/inner-lb.ini" -- "$TRY" bind 0.0.0.0 0
check_out "refused with EACCES" '^EACCES$'
check "inner true under outer true: a loopback server (bind, listen, connect)" 0 \
	in_cfg lb "$LS" -c "$T/cfg/inner-lb.ini" -- "$TRY" serve-self 127.0.0.1
check "inner under outer: a seccomp listener of the inner shim's own" 1 \
	in_cfg lb "$LS" -c "$T/cfg/inner-lb.ini" -- "$TRY" seccomp-listener
check_out "refused with EPERM" '^EPERM$'
# An inner policy with no mediated key at all: no loopback binds, and no
# network, whatever the outer sandbox allows.
check "inner policy without allowLocalBinding (unmediated) under an outer true: bind" 1 \
	in_cfg lb "$LS" -c "$T/cfg/plain.ini" -- "$TRY" bind 127.0.0.1 0
check_out "refused with EACCES" '^EACCES$'
check "inner policy with no network under an outer proxy port: connect to it" 1 \
	in_cfg lb "$LS" -c "$T/cfg/plain.ini" -- "$TRY" connect 127.0.0.1 "$P1"
check_out "refused with EACCES" '^EACCES$'
check "inner unmediated policy: unix sockets still refused" 1 \
	in_cfg lb "$LS" -c "$T/cfg/plain.ini" -- "$TRY" socket unix stream
check_out "refused with EACCES" '^EACCES$'
# The enclosing supervisor decides unix sockets by the outer policy: an
# inner policy may not use it to reach or create what it does not allow.
cat >"$T/cfg/inner-src.ini" <<INI
[sandbox]
allowWrite = $P/src
allowLocalBinding = true
allowUnixSockets = $T/outside/other.sock
INI
check "inner (allowWrite = src only) under outer (allowWrite = the project): Landlock refuses a file outside src" 1 \
	in_cfg unix "$LS" -c "$T/cfg/inner-src.ini" -- "$TRY" create "$P/inner-file"
check "inner under outer: bind a socket file outside the inner write dirs" 1 \
	in_cfg unix "$LS" -c "$T/cfg/inner-src.ini" -- "$TRY" unix-bind "$P/inner-evil.sock"
check_out "refused with EACCES" '^EACCES$'
pass "no socket file was created there" test ! -e "$P/inner-evil.sock"
check "inner under outer: connect to the outer's allowUnixSockets entry the inner lacks" 1 \
	in_cfg unix "$LS" -c "$T/cfg/inner-src.ini" -- "$TRY" unix-connect "$ext"
check_out "refused with EACCES" '^EACCES$'
check "inner mediated policy under an unmediated outer: bind" 1 \
	in_cfg plain "$LS" -c "$T/cfg/inner-lb.ini" -- "$TRY" bind 127.0.0.1 0
check_out "refused with EACCES" '^EACCES$'

# =================================================================================
# A supervisor started where seccomp(2) is filtered
# =================================================================================
# libseccomp finds out whether its notify calls work by probing seccomp(2)
# for everything a filter of its own could use, a new listener among them.
# Under a filter that refuses that one (as landstrip's own does, THREATS.md
# #3), it took them for unsupported: the supervisor spun on a pending call
# and the tool waited forever.  The supervisor needs the notifications
# only.  Where those are refused too, it says so and the tool does not run.
# (A copy of the shim, beside a supervisor started under such a filter.)
mkdir -p "$T/filtered"
cp "$LS" "$T/filtered/landstrip-exec"
filtered_supervisor() { # what the filter refuses: listener or notify
	printf '#!/bin/sh\nexec "%s" seccomp-refuse %s "%s" "$@"\n' "$TRY" "$1" "$SUP" \
		>"$T/filtered/landstrip-supervisor"
	chmod +x "$T/filtered/landstrip-supervisor"
}
filtered_supervisor listener
check "new listeners refused to the supervisor: a loopback server works" 0 \
	timeout 20 "$T/filtered/landstrip-exec" -c "$T/cfg/lb.ini" -- "$TRY" serve-self 127.0.0.1
check "new listeners refused to the supervisor: a bind to 0.0.0.0 is refused" 1 \
	timeout 20 "$T/filtered/landstrip-exec" -c "$T/cfg/lb.ini" -- "$TRY" bind 0.0.0.0 0
check_out "with EACCES" '^EACCES$'
filtered_supervisor notify
check "no notifications for the supervisor: the tool does not run" 1 \
	timeout 20 "$T/filtered/landstrip-exec" -c "$T/cfg/lb.ini" -- "$TRY" write "$P/no-notify"
check_err "and the supervisor says why" \
	'^landstrip: supervisor: seccomp user notification is not available here'
pass "and nothing was written" test ! -e "$P/no-notify"

# =================================================================================
# Session mode: one supervisor for every shim below it
# =================================================================================
# A copy of the shim with no supervisor beside it: anything mediated it
# runs was mediated by the session supervisor.
mkdir -p "$T/solo"
cp "$LS" "$T/solo/landstrip-exec"
SOLO="$T/solo/landstrip-exec"
export TRY P P1 SOLO LS
export CFG="$T/cfg/lb.ini"

timeout 60 "$SUP" -- bash -c '
	for i in 1 2 3; do
		"$SOLO" -c "$CFG" -- "$TRY" serve-self 127.0.0.1
		"$SOLO" -c "$CFG" -- "$TRY" bind 0.0.0.0 0
	done
	exit 7' >"$T/out" 2>"$T/err" </dev/null
pass "session: the supervisor exits with the agent's status (7)" test $? = 7
pass "session: 3 sequential loopback servers work" test "$(grep -c '^ok$' "$T/out")" = 3
pass "session: 3 binds to 0.0.0.0 refused" test "$(grep -c '^EACCES$' "$T/out")" = 3
check_err "session: refusals reported" '^landstrip: refused bind 0\.0\.0\.0:0 by try'

declare -f all_supervisors_of >"$T/state/count.sh"
export STATE="$T/state"
timeout 60 "$SUP" -- bash -c '
	. "$STATE/count.sh"
	for i in $(seq 8); do
		( "$LS" -c "$CFG" -- "$TRY" later 1 serve-self 127.0.0.1 >"$STATE/s$i.out"
		  "$LS" -c "$CFG" -- "$TRY" bind 0.0.0.0 0 >"$STATE/r$i.out" ) &
	done
	sleep 0.5
	all_supervisors_of "$(readlink /proc/$$/fd/2)" >"$STATE/sess.pids"
	wait
	exit 5' >"$T/out" 2>"$T/state/sess.err" </dev/null
pass "session: 8 concurrent shims, the supervisor exits with 5" test $? = 5
pass "session: exactly one supervisor process while they ran ($(wc -l <"$T/state/sess.pids"))" \
	test "$(wc -l <"$T/state/sess.pids")" = 1
pass "session: 8 concurrent loopback servers work" \
	test "$(cat "$T"/state/s?.out | grep -c '^ok$')" = 8
pass "session: 8 concurrent binds to 0.0.0.0 refused" \
	test "$(cat "$T"/state/r?.out | grep -c '^EACCES$')" = 8

# The session supervisor outlives the agent while a sandbox is alive.
rm -f "$P/sbg.out"
start=$(date +%s%N)
timeout 30 "$SUP" -- bash -c '"$SOLO" -c "$CFG" -- "$TRY" background 2 "$P/sbg.out" serve-self 127.0.0.1; exit 4' \
	>/dev/null 2>"$T/err" </dev/null
rc=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
pass "session: exits with the agent's status (4) once the daemon is gone" test "$rc" = 4
pass "session: it waited for the daemon (${elapsed} ms >= 2000)" test "$elapsed" -ge 2000
cp "$P/sbg.out" "$T/out" 2>/dev/null || : >"$T/out"
check_out "session: the daemon was served after the agent exited" '^ok$'
check "session: an agent killed by SIGTERM gives 143" 143 timeout 30 "$SUP" -- bash -c 'kill -TERM $$'

# A session socket whose supervisor is gone: the shim queues its first
# message on its private channel and then announces the channel; the
# announcement fails, and the tool must not run, with the reason.  Once
# through the ruleset cache (a denyRead policy asks it first), once
# straight to the registration.
cat >"$T/cfg/gone-cached.ini" <<INI
[sandbox]
allowWrite = $P
denyRead = $T/outside
httpProxyPort = $P1
INI
cat >"$T/dead-session.py" <<'PY'
import os, socket, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
b.close()
os.set_inheritable(a.fileno(), True)
os.environ["LANDSTRIP_SUPERVISOR_FD"] = str(a.fileno())
os.execvp(sys.argv[1], sys.argv[1:])
PY
for cfg in gone-cached proxy; do
	check "session supervisor gone ($cfg.ini): the tool does not run" 1 \
		timeout 20 python3 "$T/dead-session.py" "$LS" -c "$T/cfg/$cfg.ini" -- \
		"$TRY" write "$P/gone-$cfg"
	check_err "and the shim says why" 'the session supervisor \(LANDSTRIP_SUPERVISOR_FD\) is gone'
	pass "and nothing was written" test ! -e "$P/gone-$cfg"
done

# A sandboxed tool never gets the session socket: only shims outside any
# sandbox can register, so the shim closes it before the exec.
timeout 60 "$SUP" -- bash -c '"$SOLO" -c "$CFG" -- "$TRY" session-junk garbage' >"$T/out" 2>"$T/err" </dev/null
pass "a sandboxed tool cannot write to the session socket" test $? != 0
check_err "the session fd is closed in the tool" 'Bad file descriptor'

# Junk from a peer outside the sandbox (the agent's side): the supervisor
# survives, never acknowledges a bogus REGISTER, and serves the next shim.
timeout 60 "$SUP" -- bash -c '
	for m in garbage bad-header connect-nofd connect-file connect-2fds register-bogus; do
		"$TRY" session-junk $m >/dev/null || echo "junk $m: status $?"
	done
	echo "normal: $("$SOLO" -c "$CFG" -- "$TRY" serve-self 127.0.0.1)"
	exit 6' >"$T/out" 2>"$T/err" </dev/null
pass "session junk: the supervisor survives (status 6)" test $? = 6
check_out_not "session junk: every piece was sent, a bogus REGISTER never acknowledged" '^junk '
check_out "session junk: a normal shim still works after it" '^normal: ok$'

timeout 60 "$SUP" -- bash -c '
	"$TRY" session-junk empty >/dev/null || echo "junk empty: status $?"
	echo "normal: $("$SOLO" -c "$CFG" -- "$TRY" serve-self 127.0.0.1)"
	exit 6' >"$T/out" 2>"$T/err" </dev/null
pass "session junk (an empty packet): the supervisor survives (status 6)" test $? = 6
check_out_not "session junk (an empty packet): sent" '^junk '
check_out "session junk (an empty packet): a normal shim still works after it" '^normal: ok$'

timeout 60 "$SUP" -- bash -c '
	"$TRY" session-junk connect-silent 3 100 >"$STATE/silent.out" &
	for i in $(seq 50); do [ -s "$STATE/silent.out" ] && break; sleep 0.1; done
	echo "normal: $("$SOLO" -c "$CFG" -- "$TRY" serve-self 127.0.0.1)"
	wait
	exit 6' >"$T/out" 2>"$T/err" </dev/null
pass "session junk (100 silent registrations): the supervisor survives (status 6)" test $? = 6
pass "session junk (100 silent registrations): sent" grep -q '^sent$' "$T/state/silent.out"
check_out "session junk (100 silent registrations): a normal shim still works meanwhile" '^normal: ok$'

# Closed standard fds: the socketpair can land on fd 3 (a dup2 onto itself
# would keep close-on-exec), and a closed stderr still gets a handover.
check "mediated with stdin closed" 0 sh -c "exec <&-; \"$LS\" -c \"$CFG\" -- \"$TRY\" serve-self 127.0.0.1"
check "mediated with stderr closed" 0 sh -c "exec 2>&-; \"$LS\" -c \"$CFG\" -- \"$TRY\" serve-self 127.0.0.1"
check "mediated with stdin, stdout and stderr closed" 0 sh -c "exec <&- >&- 2>&-; \"$LS\" -c \"$CFG\" -- \"$TRY\" serve-self 127.0.0.1"

# Nothing of this test's is left running.
sleep 1
left=
for f in "$T"/*.err "$T"/state/*.err; do left+=$(all_supervisors_of "$f"); done
pass "no supervisor of this test is left running" test -z "$left"

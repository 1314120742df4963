#!/bin/bash
# Network rules attacked (THREATS.md #1, #5): TCP connect outside the proxy
# ports, TCP bind and listen, the families and protocols Landlock's TCP
# rules do not cover (UDP, raw, SCTP, MPTCP, packet, vsock), pathname and
# abstract unix sockets; and what must keep working (NETLINK_ROUTE,
# getifaddrs, socketpair).
#
# Two regimes: a policy with no proxy port, allowLocalBinding or
# allowUnixSockets is enforced by the static seccomp filter and Landlock
# alone (no supervisor); a policy with a proxy port (and no allowNetwork)
# is mediated: landstrip-supervisor performs connect(2) itself and keeps
# the proxy ports to loopback.  The supervisor's own rules are attacked in
# 50-supervisor.sh.
#
# Every listener is on loopback, except the proxy port's IPv4 one, which is
# on 0.0.0.0 so that the machine's own interface address reaches it
# unconfined (that connection never leaves the machine).
. "$(dirname "$0")/../lib/tap.sh"
# The listeners outside the sandbox, and the free port, are python3's.
needs_tool "every network check (the listeners are python3)" python3 || exit 0

# refused DESC ERRNO ARG...: `$TRY ARG...` is refused inside with ERRNO,
# with an unconfined baseline (refused_via in tests/lib/tap.sh).
refused() {
	local desc=$1 errno=$2
	shift 2
	refused_via "$desc" "$errno" "$LS" -- ::: "$@"
}

# check_err_not DESC REGEX: pass when the last stderr does NOT match.
check_err_not() {
	if grep -Eq -- "$2" "$T/err"; then
		echo "#   stderr matches: $2"
		_tap_result "not ok" "$1"
	else _tap_result ok "$1"; fi
}

# ---- listeners outside the sandbox ------------------------------------------
# Two TCP listeners on free ports: the first (the proxy) on 0.0.0.0, the
# second on 127.0.0.1; each also on ::1 when it exists; a pathname unix
# socket and an abstract one.  They accept, read what arrives and hang up;
# `timeout` bounds them even if this script is killed.
server_py='
import os, select, socket, sys
portfile, unix_path, abstract = sys.argv[1:4]
socks, ports, v6 = [], [], 1
for host in ("0.0.0.0", "127.0.0.1"):
    s = socket.socket(); s.bind((host, 0)); s.listen(64)
    port = s.getsockname()[1]
    socks.append(s); ports.append(port)
    try:
        s6 = socket.socket(socket.AF_INET6)
        s6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s6.bind(("::1", port)); s6.listen(64); socks.append(s6)
    except OSError:
        v6 = 0
for addr in (unix_path, "\0" + abstract):
    u = socket.socket(socket.AF_UNIX); u.bind(addr); u.listen(16)
    socks.append(u)
with open(portfile + ".tmp", "w") as f:
    f.write("%d %d %d\n" % (ports[0], ports[1], v6))
os.rename(portfile + ".tmp", portfile)
while True:
    for s in select.select(socks, [], [])[0]:
        c = s.accept()[0]
        c.settimeout(0.2)
        try: c.recv(64)
        except OSError: pass
        c.close()
'
abstract="landstrip-test-$$-$RANDOM"
timeout 300 python3 -c "$server_py" "$T/ports" "$T/listen.sock" "$abstract" \
	</dev/null >/dev/null 2>"$T/server.err" &
server=$!
# Stop the listener, then let tap.sh finish (its EXIT trap is replaced).
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; _tap_done' EXIT
for _ in $(seq 100); do
	[ -s "$T/ports" ] && break
	sleep 0.1
done
read -r proxy other have_v6 <"$T/ports" || {
	echo "# listener did not start: $(cat "$T/server.err")"
	proxy=1 other=2 have_v6=0
}
# A port nothing listens on: bound, read, released.
free=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# This machine's own (non-loopback) IPv4 address: no packet leaves the
# machine to reach it.  A UDP connect(2) only picks a route, sends nothing.
ifaddr=$(ip -4 -o addr show scope global 2>/dev/null |
	awk '{ sub(/\/.*/, "", $4); print $4; exit }')
[ -n "$ifaddr" ] || ifaddr=$(python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("192.0.2.1", 9)); a = s.getsockname()[0]
print("" if a.startswith("127.") else a)' 2>/dev/null)

# =============================================================================
# Without a supervisor: no proxy port, no allowLocalBinding, no
# allowUnixSockets.  TCP connect goes nowhere, bind and listen are refused,
# no new unix socket.
# =============================================================================
# The write root is $T/outside, not the project: the project holds entries
# of the built-in protected set (.mcp.json...), which would make it a
# mediated root, and the policy mediated.
write_config <<INI
[sandbox]
allowWrite = $T/outside
allowNetwork = false
INI

# Such a policy needs no landstrip-supervisor at all: a shim with none
# beside it (and none installed) still runs it.
mkdir -p "$T/solo"
cp "$LS" "$T/solo/landstrip-exec"
if [ -e /usr/local/libexec/landstrip/landstrip-supervisor ]; then
	skip "an unmediated policy needs no supervisor" "one is installed in /usr/local/libexec/landstrip"
else
	check "an unmediated policy runs without any landstrip-supervisor" 0 \
		"$T/solo/landstrip-exec" -- "$TRY" socket inet stream
	check "and is still enforced there" 1 "$T/solo/landstrip-exec" -- "$TRY" connect 127.0.0.1 "$other"
	check_out "connect refused with EACCES" '^EACCES$'
fi

# ---- TCP connect: nowhere -------------------------------------------------------
check "baseline: connect to a listening port unconfined" 0 "$TRY" connect 127.0.0.1 "$other"
check "baseline: connect to the other listening port unconfined" 0 "$TRY" connect 127.0.0.1 "$proxy"
check "no supervisor: connect to a listening port" 1 "$LS" -- "$TRY" connect 127.0.0.1 "$other"
check_out "no supervisor: refused with EACCES" '^EACCES$'
check "no supervisor: connect to the other listening port" 1 "$LS" -- "$TRY" connect 127.0.0.1 "$proxy"
check_out "no supervisor: refused with EACCES" '^EACCES$'
check_err_not "no supervisor: no refusal report (nothing mediates)" '^landstrip: refused'
check "baseline: a closed port is refused by the kernel" 1 "$TRY" connect 127.0.0.1 "$free"
check_out "baseline: closed port gives ECONNREFUSED" '^ECONNREFUSED$'
check "no supervisor: connect to a closed port" 1 "$LS" -- "$TRY" connect 127.0.0.1 "$free"
check_out "closed port refused with EACCES, before the kernel" '^EACCES$'
if [ "$have_v6" = 1 ]; then
	check "baseline: connect to ::1 unconfined" 0 "$TRY" connect ::1 "$other"
	check "no supervisor: connect to ::1" 1 "$LS" -- "$TRY" connect ::1 "$other"
	check_out "::1 refused with EACCES" '^EACCES$'
	check "no supervisor: connect via v4-mapped ::ffff:127.0.0.1" 1 \
		"$LS" -- "$TRY" connect ::ffff:127.0.0.1 "$other"
	check_out "v4-mapped address refused with EACCES" '^EACCES$'
else
	skip "IPv6 connect tests" "no ::1 on this machine"
fi

# TCP Fast Open: sendto(MSG_FASTOPEN) connects without connect(2), which
# Landlock's connect hook never sees (landlock-lsm/linux#41).
if [ $(($(cat /proc/sys/net/ipv4/tcp_fastopen 2>/dev/null || echo 0) & 1)) = 1 ]; then
	have_tfo=1
	check "baseline: TCP Fast Open connects unconfined" 0 "$TRY" connect-fastopen 127.0.0.1 "$other"
	check "no supervisor: TCP Fast Open" 1 "$LS" -- "$TRY" connect-fastopen 127.0.0.1 "$other"
	check_out "TCP Fast Open refused with EACCES" '^EACCES$'
else
	have_tfo=0
	skip "TCP Fast Open" "net.ipv4.tcp_fastopen has no client bit"
fi

# ---- TCP bind and listen ----------------------------------------------------
check "baseline: bind to a free port unconfined" 0 "$TRY" bind 127.0.0.1 "$free"
check "no supervisor: bind to a free port" 1 "$LS" -- "$TRY" bind 127.0.0.1 "$free"
check_out "bind refused with EACCES" '^EACCES$'
check "baseline: bind to port 0 unconfined" 0 "$TRY" bind 127.0.0.1 0
check "no supervisor: bind to port 0 (any ephemeral port)" 1 "$LS" -- "$TRY" bind 127.0.0.1 0
check_out "bind to port 0 refused with EACCES" '^EACCES$'
if [ "$have_v6" = 1 ]; then
	check "baseline: bind to ::1 port 0 unconfined" 0 "$TRY" bind ::1 0
	check "no supervisor: bind to ::1 port 0" 1 "$LS" -- "$TRY" bind ::1 0
	check_out "bind on IPv6 refused with EACCES" '^EACCES$'
fi
# listen(2) on an unbound socket auto-binds 0.0.0.0 without bind(2).
check "baseline: listen on an unbound socket unconfined" 0 "$TRY" listen-unbound
check "no supervisor: listen on an unbound socket" 1 "$LS" -- "$TRY" listen-unbound
check_out "listen refused with EACCES" '^EACCES$'

# ---- what Landlock's TCP rules do not cover -----------------------------------
check "baseline: UDP works unconfined" 0 "$TRY" udp-send 127.0.0.1 9
check "UDP send to 127.0.0.1" 1 "$LS" -- "$TRY" udp-send 127.0.0.1 9
check_out "UDP refused with EACCES" '^EACCES$'
if [ "$have_v6" = 1 ]; then
	check "baseline: UDP over IPv6 works unconfined" 0 "$TRY" udp-send ::1 9
	check "UDP send to ::1" 1 "$LS" -- "$TRY" udp-send ::1 9
	check_out "UDP over IPv6 refused with EACCES" '^EACCES$'
fi
refused "AF_INET SOCK_DGRAM socket" EACCES socket inet dgram
refused "AF_INET6 SOCK_DGRAM socket" EACCES socket inet6 dgram
refused "stream socket asking for UDP" EACCES socket inet stream udp
refused "raw IPv4 socket" EACCES socket inet raw icmp
refused "raw IPv6 socket" EACCES socket inet6 raw icmpv6
refused "ICMP ping socket" EACCES socket inet dgram icmp
refused "SCTP stream socket" EACCES socket inet stream sctp
refused "SCTP seqpacket socket" EACCES socket inet seqpacket sctp
refused "MPTCP socket (protocol 262)" EACCES socket inet stream mptcp
refused "MPTCP over IPv6" EACCES socket inet6 stream mptcp
refused "SMC over inet (protocol 256)" EACCES socket inet stream 256
refused "SOCK_PACKET on AF_INET" EACCES socket inet 10
refused "AF_PACKET socket" EAFNOSUPPORT socket packet raw
refused "AF_VSOCK socket" EAFNOSUPPORT socket vsock stream
refused "AF_ALG socket" EAFNOSUPPORT socket alg seqpacket
# Plain TCP sockets still work, with or without flags and explicit protocol.
check "TCP socket" 0 "$LS" -- "$TRY" socket inet stream
check "TCP socket with IPPROTO_TCP" 0 "$LS" -- "$TRY" socket inet6 stream tcp
check "TCP socket with SOCK_NONBLOCK|SOCK_CLOEXEC" 0 "$LS" -- "$TRY" socket inet $((1 | 04000 | 02000000))

# ---- netlink: routing queries only -------------------------------------------
check "getifaddrs works inside" 0 "$LS" -- "$TRY" getifaddrs
check_out "getifaddrs lists interfaces" '^[1-9][0-9]*$'
check "NETLINK_ROUTE dump works inside" 0 "$LS" -- "$TRY" netlink-route
check_out "RTM_GETLINK answered" '^ok$'
refused "NETLINK_SOCK_DIAG (lists every socket on the host)" EACCES socket netlink raw 4
refused "NETLINK_KOBJECT_UEVENT" EACCES socket netlink dgram 15

# ---- socketpair ------------------------------------------------------------------
check "socketpair AF_UNIX stream" 0 "$LS" -- "$TRY" socketpair unix stream
check "socketpair AF_UNIX seqpacket" 0 "$LS" -- "$TRY" socketpair unix seqpacket
refused "socketpair AF_UNIX dgram (could be sendto()'d anywhere)" EACCES socketpair unix dgram
refused "socketpair AF_INET" EAFNOSUPPORT socketpair inet stream

# ---- unix sockets: none without a supervisor -----------------------------------
refused "AF_UNIX stream socket" EACCES socket unix stream
refused "AF_UNIX dgram socket" EACCES socket unix dgram
refused "AF_UNIX seqpacket socket" EACCES socket unix seqpacket
refused "AF_UNIX socket with a 64-bit family argument" EACCES socket-wide unix stream
check "baseline: the pathname socket accepts unconfined" 0 "$TRY" unix-connect "$T/listen.sock"
check "connect to a pathname socket listening outside" 1 "$LS" -- "$TRY" unix-connect "$T/listen.sock"
check_out "pathname unix connect refused with EACCES" '^EACCES$'
check "baseline: the abstract socket accepts unconfined" 0 "$TRY" abstract-connect "$abstract"
check "connect to an abstract socket listening outside" 1 "$LS" -- "$TRY" abstract-connect "$abstract"
check_out "abstract unix connect refused with EACCES" '^EACCES$'
# Landlock's abstract-socket scope, tested on its own: the socket is made
# outside and inherited, so socket(2) is never called inside.
if needs_abi "abstract connect on an inherited socket" 6 "abstract unix socket scoping"; then
	check "baseline: an inherited socket connects to the abstract name" 0 \
		"$TRY" with-socket 7 unix stream "$TRY" abstract-connect "$abstract" 7
	check "abstract connect on an inherited socket" 1 \
		"$TRY" with-socket 7 unix stream "$LS" -- "$TRY" abstract-connect "$abstract" 7
	check_out "refused by the Landlock scope (EPERM)" '^EPERM$'
fi

# =============================================================================
# With a proxy port: mediated.  The supervisor performs each connect(2) and
# allows the proxy ports on loopback only; Landlock alone would allow the
# port on any host (THREATS.md #5).  Run twice: with a per-tool supervisor
# (landstrip-exec starts one) and under a session supervisor
# (landstrip-supervisor -- AGENT).
# =============================================================================
SUP="$(dirname "$LS")/landstrip-supervisor"
# inside CMD...: CMD under the shim, in the current MODE.
inside() {
	if [ "$MODE" = session ]; then
		"$SUP" -- "$LS" -- "$@"
	else
		"$LS" -- "$@"
	fi
}
for MODE in per-tool session; do
	# Yama may let no per-tool supervisor reach its tool (tests/lib/tap.sh).
	[ "$MODE" = per-tool ] && ! needs_per_tool "per-tool: the proxy port rules" && continue
	write_config <<-INI
	[sandbox]
	allowWrite = .
	allowNetwork = false
	httpProxyPort = $proxy
	INI

	# ---- TCP connect: the proxy port, on loopback only --------------------------------
	check "baseline: connect to the proxy port unconfined" 0 "$TRY" connect 127.0.0.1 "$proxy"
	check "$MODE: connect to the proxy port on 127.0.0.1" 0 inside "$TRY" connect 127.0.0.1 "$proxy"
	check_out "$MODE: the proxy port answers" '^ok$'
	check_err_not "$MODE: an allowed connect is not reported" 'landstrip: refused'
	if [ "$have_v6" = 1 ]; then
		check "$MODE: connect to the proxy port on ::1" 0 inside "$TRY" connect ::1 "$proxy"
		check "$MODE: connect to the proxy port via v4-mapped ::ffff:127.0.0.1" 0 \
			inside "$TRY" connect ::ffff:127.0.0.1 "$proxy"
	else
		skip "$MODE: the proxy port on ::1" "no ::1 on this machine"
	fi
	if [ -n "$ifaddr" ]; then
		check "baseline: the proxy port on this machine's address $ifaddr unconfined" 0 \
			"$TRY" connect "$ifaddr" "$proxy"
		check "$MODE: the proxy port on a non-loopback address ($ifaddr)" 1 \
			inside "$TRY" connect "$ifaddr" "$proxy"
		check_out "$MODE: the proxy port off loopback refused with EACCES" '^EACCES$'
		check_err "$MODE: and reported with the hint" \
			"^landstrip: refused connect $ifaddr:$proxy by try \(pid [0-9]+\): .*loopback only \(in $T/cfg/config.ini\)\$"
		if [ "$have_v6" = 1 ]; then
			check "$MODE: the proxy port via v4-mapped ::ffff:$ifaddr" 1 \
				inside "$TRY" connect "::ffff:$ifaddr" "$proxy"
			check_out "$MODE: v4-mapped non-loopback refused with EACCES" '^EACCES$'
		fi
		if [ "$have_tfo" = 1 ]; then
			check "baseline: TCP Fast Open to $ifaddr's proxy port unconfined" 0 \
				"$TRY" connect-fastopen "$ifaddr" "$proxy"
			check "$MODE: TCP Fast Open to $ifaddr's proxy port (bypasses connect(2))" 1 \
				inside "$TRY" connect-fastopen "$ifaddr" "$proxy"
			check_out "$MODE: refused with EACCES" '^EACCES$'
		fi
	else
		skip "$MODE: the proxy port on a non-loopback address" "this machine has no global IPv4 address"
	fi
	# 0.0.0.0 is routed to the local host, but it is not loopback.
	check "baseline: connect to 0.0.0.0 reaches the proxy listener unconfined" 0 \
		"$TRY" connect 0.0.0.0 "$proxy"
	check "$MODE: connect to the proxy port on 0.0.0.0" 1 inside "$TRY" connect 0.0.0.0 "$proxy"
	check_out "$MODE: 0.0.0.0 refused with EACCES" '^EACCES$'

	check "$MODE: connect to a listening non-proxy port on loopback" 1 inside "$TRY" connect 127.0.0.1 "$other"
	check_out "$MODE: non-proxy port refused with EACCES" '^EACCES$'
	check_err "$MODE: and reported" "^landstrip: refused connect 127\.0\.0\.1:$other by try \(pid [0-9]+\): "
	check "$MODE: connect to a closed non-proxy port" 1 inside "$TRY" connect 127.0.0.1 "$free"
	check_out "$MODE: closed non-proxy port refused with EACCES, before the kernel" '^EACCES$'
	if [ "$have_v6" = 1 ]; then
		check "$MODE: connect to ::1 non-proxy port" 1 inside "$TRY" connect ::1 "$other"
		check_out "$MODE: ::1 non-proxy port refused with EACCES" '^EACCES$'
		check "$MODE: v4-mapped ::ffff:127.0.0.1 to a non-proxy port" 1 \
			inside "$TRY" connect ::ffff:127.0.0.1 "$other"
		check_out "$MODE: v4-mapped non-proxy port refused with EACCES" '^EACCES$'
	fi
	if [ "$have_tfo" = 1 ]; then
		check "$MODE: TCP Fast Open to a non-proxy port" 1 inside "$TRY" connect-fastopen 127.0.0.1 "$other"
		check_out "$MODE: TCP Fast Open refused with EACCES" '^EACCES$'
	fi

	# socksProxyPort is a second allowed port.
	write_config <<-INI
	[sandbox]
	allowWrite = .
	httpProxyPort = $proxy
	socksProxyPort = $other
	INI
	check "$MODE: connect to socksProxyPort" 0 inside "$TRY" connect 127.0.0.1 "$other"
	check "$MODE: httpProxyPort still allowed beside socksProxyPort" 0 inside "$TRY" connect 127.0.0.1 "$proxy"
	check "$MODE: other ports still refused beside socksProxyPort" 1 inside "$TRY" connect 127.0.0.1 "$free"
	check_out "$MODE: refused with EACCES" '^EACCES$'

	# ---- a proxy port is not a bind right --------------------------------------------
	# The proxy port is free here: the supervisor performs the connect, the
	# kernel answers it, and a connect rule must not grant bind.
	write_config <<-INI
	[sandbox]
	allowWrite = .
	httpProxyPort = $free
	INI
	check "$MODE: proxy port with nothing listening: connect passes the supervisor" 1 inside "$TRY" connect 127.0.0.1 "$free"
	check_out "$MODE: and reaches the kernel (ECONNREFUSED)" '^ECONNREFUSED$'
	check "$MODE: bind to the proxy port" 1 inside "$TRY" bind 127.0.0.1 "$free"
	check_out "$MODE: bind to the proxy port refused with EACCES" '^EACCES$'
	check_err "$MODE: and the report names the missing key" \
		"^landstrip: refused bind 127\.0\.0\.1:$free by try \(pid [0-9]+\): allowLocalBinding = true \(in $T/cfg/config.ini\)\$"
	check "$MODE: bind to port 0" 1 inside "$TRY" bind 127.0.0.1 0
	check_out "$MODE: bind to port 0 refused with EACCES" '^EACCES$'
	if [ "$have_v6" = 1 ]; then
		check "$MODE: bind to ::1 port 0" 1 inside "$TRY" bind ::1 0
		check_out "$MODE: bind on IPv6 refused with EACCES" '^EACCES$'
	fi
	check "$MODE: listen on an unbound socket" 1 inside "$TRY" listen-unbound
	check_out "$MODE: listen refused with EACCES" '^EACCES$'
	# The supervisor is no way around the static rules.
	check "$MODE: UDP send" 1 inside "$TRY" udp-send 127.0.0.1 9
	check_out "$MODE: UDP still refused with EACCES" '^EACCES$'
	check "$MODE: AF_UNIX dgram socket" 1 inside "$TRY" socket unix dgram
	check_out "$MODE: unix datagram sockets still refused with EACCES" '^EACCES$'
	check "$MODE: pathname unix connect outside allowUnixSockets" 1 inside "$TRY" unix-connect "$T/listen.sock"
	check_out "$MODE: refused with EACCES" '^EACCES$'
	check "$MODE: abstract connect to a name bound outside" 1 inside "$TRY" abstract-connect "$abstract"
	check_out "$MODE: refused with EACCES" '^EACCES$'
done

# ---- allowNetwork = true lifts the TCP/UDP rules, not the unix ones -----------------
# $T/outside, not the project, as above: an unmediated policy.
write_config <<INI
[sandbox]
allowWrite = $T/outside
allowNetwork = true
INI
check "allowNetwork: connect to any port" 0 "$LS" -- "$TRY" connect 127.0.0.1 "$other"
check "allowNetwork: UDP" 0 "$LS" -- "$TRY" udp-send 127.0.0.1 9
check "allowNetwork: bind" 0 "$LS" -- "$TRY" bind 127.0.0.1 0
check "allowNetwork: listen" 0 "$LS" -- "$TRY" listen-unbound
check "allowNetwork: AF_INET6 dgram socket" 0 "$LS" -- "$TRY" socket inet6 dgram
check "allowNetwork: AF_UNIX socket still" 1 "$LS" -- "$TRY" socket unix stream
check_out "allowNetwork: AF_UNIX still refused with EACCES" '^EACCES$'
check "allowNetwork: pathname unix connect still" 1 "$LS" -- "$TRY" unix-connect "$T/listen.sock"
check_out "allowNetwork: pathname connect still refused with EACCES" '^EACCES$'
check "allowNetwork: AF_PACKET still" 1 "$LS" -- "$TRY" socket packet raw
check_out "allowNetwork: AF_PACKET still refused with EAFNOSUPPORT" '^EAFNOSUPPORT$'
check "allowNetwork: socketpair dgram still" 1 "$LS" -- "$TRY" socketpair unix dgram
check_out "allowNetwork: socketpair dgram still refused with EACCES" '^EACCES$'
# A proxy port beside allowNetwork = true changes nothing (not mediated).
write_config <<INI
[sandbox]
allowWrite = .
allowNetwork = true
httpProxyPort = $proxy
INI
check "allowNetwork + proxy port: connect to another port" 0 "$LS" -- "$TRY" connect 127.0.0.1 "$other"

# The embedded default (no config anywhere) is allowNetwork = false.  Its
# write roots carve out denies, so it is mediated: per-tool here.
unset LANDSTRIP_CONFIG
if needs_per_tool "default policy: the network refused"; then
	check "default policy: connect refused" 1 "$LS" -- "$TRY" connect 127.0.0.1 "$other"
	check_out "default policy: EACCES" '^EACCES$'
	check "default policy: UDP refused" 1 "$LS" -- "$TRY" udp-send 127.0.0.1 9
	check_out "default policy: UDP EACCES" '^EACCES$'
	check "default policy: bind refused" 1 "$LS" -- "$TRY" bind 127.0.0.1 0
	check_out "default policy: bind EACCES" '^EACCES$'
fi

#!/bin/bash
# Nested shims stack: an inner policy can only narrow, never widen
# (THREATS.md #13), and the 17th Landlock layer fails closed.
. "$(dirname "$0")/../lib/tap.sh"

p="$T/proj"
mkdir -p "$p/src"
cat >"$T/cfg/outer.ini" <<INI
[sandbox]
allowWrite = $p
INI
cat >"$T/cfg/wide.ini" <<INI
[sandbox]
allowWrite = $T/outside
allowWrite = $p
allowNetwork = true
INI
cat >"$T/cfg/narrow.ini" <<INI
[sandbox]
allowWrite = $p/src
INI

check "outer alone writes the project" 0 "$LS" -c "$T/cfg/outer.ini" -- "$TRY" write "$p/a"
check "a wider inner policy cannot write outside the outer one" 1 \
	"$LS" -c "$T/cfg/outer.ini" -- "$LS" -c "$T/cfg/wide.ini" -- "$TRY" write "$T/outside/x"
check "a wider inner policy cannot reopen UDP" 1 \
	"$LS" -c "$T/cfg/outer.ini" -- "$LS" -c "$T/cfg/wide.ini" -- "$TRY" socket inet dgram
check "a narrower inner policy narrows" 1 \
	"$LS" -c "$T/cfg/outer.ini" -- "$LS" -c "$T/cfg/narrow.ini" -- "$TRY" write "$p/b"
check "the narrower inner policy still allows its root" 0 \
	"$LS" -c "$T/cfg/outer.ini" -- "$LS" -c "$T/cfg/narrow.ini" -- "$TRY" write "$p/src/c"

# 16 layers work; the 17th refuses to run.
chain() { # depth, command...
	local n=$1 cmd=()
	shift
	for ((i = 0; i < n; i++)); do cmd+=("$LS" -c "$T/cfg/outer.ini" --); done
	"${cmd[@]}" "$@"
}
check "16 nested sandboxes run" 0 chain 16 true
check "the 17th nested sandbox fails closed" 1 chain 17 "$TRY" write "$p/deep"
check_err "and says why" 'too many nested sandboxes'
test -e "$p/deep" && _tap_result "not ok" "the 17th layer's tool did not run" ||
	_tap_result ok "the 17th layer's tool did not run"

# --check inside a sandbox says that it is nested and what that means.
cat >"$T/cfg/proxy.ini" <<INI
[sandbox]
allowWrite = $p
httpProxyPort = 3128
allowUnixSockets = /run/some.sock
INI
check "--check nested" 0 "$LS" -c "$T/cfg/outer.ini" -- "$LS" -c "$T/cfg/proxy.ini" --check
check_out "it says it is nested" '^  mediation: nested in a landstrip sandbox'
check_out "nested, new unix sockets are refused" '^  unix sockets: socketpair only$'
check_out "nested, the proxy port is not said to be on loopback" 'port 3128 refused unless an enclosing supervisor'
check "--check outside" 0 "$LS" -c "$T/cfg/proxy.ini" --check
check_out "outside, a supervisor keeps the port to loopback" 'port 3128 on loopback'

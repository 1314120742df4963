#!/bin/bash
# Nested shims stack: an inner policy can only narrow, never widen
# (THREATS.md #13), and the 17th Landlock layer fails closed.
. "$(dirname "$0")/../lib/tap.sh"
# Its policies are mediated, mostly by per-tool supervisors: where none
# can reach its tool, this script cannot run (tests/lib/tap.sh).
needs_per_tool "every check of this script (mediated policies)" || exit 0

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

# Under a supervisor that performs writes (a mediated root), a nested tool
# registers its own write rules: the supervisor must never write for it
# past them, and must go back to the outer policy once it is gone.
mkdir -p "$p/med/build"
cat >"$T/cfg/medout.ini" <<INI
[sandbox]
allowWrite = $p/med
denyWrite = $p/med/.git/hooks
INI
cat >"$T/cfg/medin.ini" <<INI
[sandbox]
allowWrite = $p/med/build
denyWrite = $p/med/build/**/*.pem
INI
med() { "$LS" -c "$T/cfg/medout.ini" -- "$@"; }
check "outer: a top-level file in the mediated root" 0 med "$TRY" write "$p/med/top"
check "inner: the same file is outside its allowWrite" 1 \
	med "$LS" -c "$T/cfg/medin.ini" -- "$TRY" write "$p/med/top2"
check_out "refused with EACCES" '^EACCES$'
check_err "reported for the inner policy" 'refused create .*/med/top2 by try .*not under any allowWrite'
test -e "$p/med/top2" && _tap_result "not ok" "nothing created for the inner tool" ||
	_tap_result ok "nothing created for the inner tool"
check "inner: its own root works" 0 med "$LS" -c "$T/cfg/medin.ini" -- "$TRY" write "$p/med/build/ok"
check "inner: its own pattern holds" 1 med "$LS" -c "$T/cfg/medin.ini" -- "$TRY" write "$p/med/build/key.pem"
check "outer: the pattern is not the outer policy's" 0 med "$TRY" write "$p/med/build/outer.pem"
# Right after a nested tool exits (its witness may still be up) and a
# while later, the outer tool writes by its own policy again.
check "outer again, at once and later" 0 med sh -c \
	"'$LS' -c '$T/cfg/medin.ini' -- '$TRY' write '$p/med/build/x' >/dev/null &&
	 '$TRY' write '$p/med/after0' && sleep 0.4 && '$TRY' write '$p/med/after1'"

# Where the outer policy mediates reads too (a denyRead inside a mediated
# root traps every open), the witness's own opens are trapped: its idle
# look at /proc after 0.1 s, for one.  The supervisor must answer them
# without asking the witness about itself: it cannot answer from inside
# the trap, and a witness that does not answer makes the nested policy
# apply to every process of the sandbox.  So the outer tool writes, while
# the nested one waits, where only the outer policy allows.
mkdir -p "$p/rd/build" "$p/rd/secret"
cat >"$T/cfg/rdout.ini" <<INI
[sandbox]
allowWrite = $p/rd
denyRead = $p/rd/secret
INI
cat >"$T/cfg/rdin.ini" <<INI
[sandbox]
allowWrite = $p/rd/build
INI
check "reads mediated: the outer tool writes by its policy beside a waiting nested tool" 0 \
	"$LS" -c "$T/cfg/rdout.ini" -- sh -c \
	"'$LS' -c '$T/cfg/rdin.ini' -- sleep 0.6 & sleep 0.3 && '$TRY' write '$p/rd/outer'; s=\$?; wait; exit \$s"
check "reads mediated: a nested tool starts without a stall" 0 \
	"$LS" -c "$T/cfg/rdout.ini" -- sh -c \
	"s=\$(date +%s%N); '$LS' -c '$T/cfg/rdin.ini' -- '$TRY' write '$p/rd/build/x' && test \$(( (\$(date +%s%N) - s) / 1000000 )) -lt 700"

# What a nested sandbox costs its enclosing supervisor (--debug's closing
# line counts it): the nested shim's own start makes few trapped calls (its
# path probes avoid openat2, which the filter cannot look into), and a
# trapped call that no nested policy could change (an open of /dev/null for
# writing, outside every mediated root) asks no witness; a write in the
# mediated root still asks, once per call.
stats() { await_debug_line; sed -n 's/.*debug: [^:]*: \([0-9]*\) file-system calls trapped.* \([0-9]*\) questions to .*/\1 \2/p' "$T/err" | tail -n 1; }
check "a nested shim under --debug" 0 "$LS" --debug -c "$T/cfg/medout.ini" -- "$LS" -c "$T/cfg/medin.ini" -- true
read -r calls asked <<<"$(stats)"
pass "its start trapped at most 12 file-system calls (${calls:-none})" test "${calls:-99}" -le 12
check "a nested tool opening /dev/null for writing, ten times" 0 \
	"$LS" --debug -c "$T/cfg/medout.ini" -- "$LS" -c "$T/cfg/medin.ini" -- \
	sh -c 'for i in 1 2 3 4 5 6 7 8 9 10; do echo >/dev/null; done'
read -r calls asked <<<"$(stats)"
pass "no witness was asked (${asked:-none} questions, $calls calls)" test "${asked:-1}" = 0
check "a nested tool writing ten files in the mediated root" 0 \
	"$LS" --debug -c "$T/cfg/medout.ini" -- "$LS" -c "$T/cfg/medin.ini" -- \
	sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do echo >'$p/med/build/q\$i'; done"
read -r calls asked <<<"$(stats)"
pass "the witness was asked for each (${asked:-none} questions)" test "${asked:-0}" -ge 10

# A refusal on a thread names the tool's process, as ps shows it.
mkdir -p "$p/med/.git/hooks"
if command -v python3 >/dev/null; then
	check "a thread's refused write" 0 med python3 -c "
import os, threading
def w():
    try: open('$p/med/.git/hooks/x', 'w')
    except OSError: pass
t = threading.Thread(target=w); t.start(); t.join(); print(os.getpid())"
	pid=$(head -n 1 "$T/out")
	check_err "is reported with the process id ($pid), not the thread's" "refused create .*/\\.git/hooks/x by python3 \\(pid $pid\\)"
else
	skip "a thread's refusal names the process" "no python3"
fi

#!/bin/bash
# Other processes attacked (THREATS.md #9, #15): signals, ptrace,
# pidfd_getfd, process_vm_readv and /proc of a process outside the
# sandbox; and what the tool must get: the fds its caller passed, its own
# children to signal and trace, and its exit status reported faithfully.
. "$(dirname "$0")/../lib/tap.sh"

# in_shell CMD...: run CMD from a child shell, which reports a death by
# signal on the test's stderr file instead of the runner's terminal.
in_shell() {
	bash -c '"$@"; exit $?' in_shell "$@"
}

write_config <<'INI'
[sandbox]
allowWrite = .
INI

# ---- a process outside the sandbox ------------------------------------------
# Same user, started by this script: only the sandbox stands between the
# tool and it.  `try sleep` also allows any ptracer, so that a Yama
# ptrace_scope of 1 cannot be what refuses the baselines.
"$TRY" sleep 120 </dev/null >/dev/null 2>&1 &
victim=$!
trap 'kill "$victim" 2>/dev/null; wait "$victim" 2>/dev/null; _tap_done' EXIT
sleep 0.2 # let it reach PR_SET_PTRACER

alive() { kill -0 "$victim" 2>/dev/null; }

# Signals: refused by Landlock's signal scope, from ABI 6 on.
if needs_abi "signals to processes outside the sandbox" 6 "signal scoping"; then
	check "baseline: signal 0 reaches the outside process unconfined" 0 "$TRY" kill "$victim" 0
	check "signal 0 to an outside process" 1 "$LS" -- "$TRY" kill "$victim" 0
	check_out "signal 0 refused with EPERM" '^EPERM$'
	check "SIGTERM to an outside process" 1 "$LS" -- "$TRY" kill "$victim" 15
	check_out "SIGTERM refused with EPERM" '^EPERM$'
	check "SIGKILL to an outside process" 1 "$LS" -- "$TRY" kill "$victim" 9
	check_out "SIGKILL refused with EPERM" '^EPERM$'
	alive && _tap_result ok "the outside process survived" ||
		_tap_result "not ok" "the outside process survived"
	check "SIGTERM to the shell that started the tool" 1 "$LS" -- "$TRY" kill $$ 15
	check_out "signal to the parent shell refused with EPERM" '^EPERM$'
	# kill(-1) reaches only the sandbox's own processes.  The outside
	# process is stopped, and kill(-1, SIGCONT) from inside must not resume
	# it.  (The kernel returns 0 even when every target refused; SIGCONT is
	# harmless should the scope ever fail, and there is no unconfined
	# baseline, which would resume every stopped process of this user.)
	stopped() { [ "$(awk '{print $3}' "/proc/$victim/stat" 2>/dev/null)" = T ]; }
	kill -STOP "$victim"
	for _ in 1 2 3 4 5 6 7 8 9 10; do stopped && break; sleep 0.1; done
	check "kill(-1, SIGCONT) from inside" 0 "$LS" -- "$TRY" kill -1 18
	sleep 0.1
	stopped && _tap_result ok "kill(-1) did not reach the outside process" ||
		_tap_result "not ok" "kill(-1) did not reach the outside process"
	kill -CONT "$victim"
fi
# Children inside are the tool's own: signalling them must work.
check "a child inside can be signalled" 0 "$LS" -- sh -c \
	'"$0" sleep 30 & "$0" kill $! 15 && wait $!; echo "status=$?"' "$TRY"
check_out "the child died of SIGTERM" '^status=143$'

# ptrace and its relatives.  Attaching (ptrace, pidfd_getfd,
# process_vm_readv, /proc/PID/mem) is what Yama restricts: at ptrace_scope
# 2 without CAP_SYS_PTRACE, or 3, even unconfined.  Reading (environ, fd,
# maps) it leaves alone.
if needs "attaching to a process outside the sandbox" '^EPERM$' "$(ptrace_why)" \
	"$TRY" ptrace "$victim"; then
	check "baseline: ptrace attach unconfined" 0 "$TRY" ptrace "$victim"
	check "ptrace attach to an outside process" 1 "$LS" -- "$TRY" ptrace "$victim"
	check_out "ptrace refused with EPERM" '^EPERM$'
	check "baseline: pidfd_getfd unconfined" 0 "$TRY" pidfd-getfd "$victim" 1
	check "pidfd_getfd from an outside process" 1 "$LS" -- "$TRY" pidfd-getfd "$victim" 1
	check_out "pidfd_getfd refused with EPERM" '^EPERM$'
	check "baseline: process_vm_readv unconfined" 0 "$TRY" vm-read "$victim"
	check "process_vm_readv of an outside process" 1 "$LS" -- "$TRY" vm-read "$victim"
	check_out "process_vm_readv refused with EPERM" '^EPERM$'
	check "/proc/PID/mem of an outside process" 1 "$LS" -- "$TRY" read "/proc/$victim/mem"
	check_out "/proc/PID/mem refused with EACCES" '^EACCES$'
fi
check "baseline: /proc/PID/environ readable unconfined" 0 "$TRY" read "/proc/$victim/environ"
check "/proc/PID/environ of an outside process" 1 "$LS" -- "$TRY" read "/proc/$victim/environ"
check_out "/proc/PID/environ refused with EACCES" '^EACCES$'
# (Listing /proc/PID/fd is plain file permission; following an entry is
# the ptrace-checked part.)
check "baseline: /proc/PID/fd/0 openable unconfined" 0 "$TRY" read "/proc/$victim/fd/0"
check "open /proc/PID/fd/0 of an outside process" 1 "$LS" -- "$TRY" read "/proc/$victim/fd/0"
check_out "/proc/PID/fd/N refused with EACCES" '^EACCES$'
check "baseline: /proc/PID/maps readable unconfined" 0 "$TRY" read "/proc/$victim/maps"
check "/proc/PID/maps of an outside process" 1 "$LS" -- "$TRY" read "/proc/$victim/maps"
check_out "/proc/PID/maps refused with EACCES" '^EACCES$'
alive && _tap_result ok "the outside process is still running" ||
	_tap_result "not ok" "the outside process is still running"
# The same operations on the tool's own child are allowed, where this
# user may do them at all: unconfined is the probe.
trace_a_child() {
	sh -c '"$0" sleep 30 & p=$!; "$0" ptrace $p; r=$?; kill $p; exit $r' "$TRY"
}
if needs "ptrace of a child" '^EPERM$' "$(ptrace_why)" trace_a_child; then
	check "ptrace of a child inside" 0 "$LS" -- sh -c \
		'"$0" sleep 30 & p=$!; "$0" ptrace $p; r=$?; kill $p; exit $r' "$TRY"
	check "pidfd_getfd of a child inside" 0 "$LS" -- sh -c \
		'"$0" sleep 30 & p=$!; sleep 0.1; "$0" pidfd-getfd $p 0; r=$?; kill $p; exit $r' "$TRY"
fi

# ---- fds the caller passes ---------------------------------------------------------
# What this runner itself inherited is the baseline; the shim adds nothing
# (its config, ruleset and /proc fds are gone) and removes nothing.
base=$("$TRY" fds </dev/null 2>/dev/null)
with_fds() { # FD...: $base with FDs added, sorted
	printf '%s\n' $base "$@" | sort -n | tr '\n' ' ' | sed 's/ $//'
}
check "the tool sees exactly the caller's fds" 0 "$LS" -- "$TRY" fds
check_out "no fd of the shim leaks to the tool" "^$base\$"
check "the tool sees exactly the caller's fds (-c, --debug)" 0 \
	"$LS" -c "$T/cfg/config.ini" --debug -- "$TRY" fds
check_out "no fd leaks with -c and --debug either" "^$base\$"
check "fd 5 passed by the caller" 0 "$LS" -- "$TRY" fds 5</dev/null
check_out "fd 5 reaches the tool" "^$(with_fds 5)\$"
check "fds 5 and 9 passed by the caller" 0 "$LS" -- "$TRY" fds 5</dev/null 9>/dev/null
check_out "fds 5 and 9 reach the tool" "^$(with_fds 5 9)\$"
check "a pipe passed on fd 6 is readable" 0 "$LS" -- sh -c 'cat <&6' 6< <(echo through-the-pipe)
check_out "the pipe's data arrives" '^through-the-pipe$'
# A jobserver-style write end: the tool writes, the caller reads.
check "a pipe write end passed on fd 7 is writable" 0 \
	"$LS" -- sh -c 'echo token >&7' 7> >(cat >"$T/pipe-out")
sleep 0.2
grep -qx token "$T/pipe-out" 2>/dev/null && _tap_result ok "the caller reads what the tool wrote" ||
	_tap_result "not ok" "the caller reads what the tool wrote"

# ---- exit status and signal death -----------------------------------------------------
# The shim execs the tool in place: its status is the tool's.
check "exit status 0 propagates" 0 "$LS" -- sh -c 'exit 0'
check "exit status 42 propagates" 42 "$LS" -- sh -c 'exit 42'
check "exit status 1 propagates" 1 "$LS" -- sh -c 'exit 1'
check "exit status 255 propagates" 255 "$LS" -- sh -c 'exit 255'
check "death by SIGTERM propagates" 143 in_shell "$LS" -- sh -c 'kill -TERM $$'
check "death by SIGKILL propagates" 137 in_shell "$LS" -- sh -c 'kill -KILL $$'
check "death by SIGSEGV propagates" 139 in_shell "$LS" -- sh -c 'kill -SEGV $$'
# The shell prints its pid, then becomes the shim, which becomes the tool.
check "the tool runs in the shim's process" 0 sh -c \
	'echo $$; exec "$0" -- sh -c "echo \$\$"' "$LS"
[ "$(sed -n 1p "$T/out")" = "$(sed -n 2p "$T/out")" ] && [ -s "$T/out" ] &&
	_tap_result ok "the tool keeps the caller's pid (no fork)" ||
	_tap_result "not ok" "the tool keeps the caller's pid (no fork)"
check "stdout and stderr are the caller's" 0 "$LS" -- sh -c 'echo out; echo err >&2'
check_out "stdout arrives" '^out$'
check_err "stderr arrives" '^err$'

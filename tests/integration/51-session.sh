#!/bin/bash
# Session mode as the way landstrip is used (issue 15): `landstrip-supervisor
# -- AGENT` puts the wrapper directory first in the agent's PATH, and refuses
# to start an agent it would leave unconfined; --doctor says whether the
# shell is in a session, and reports a wrapper directory missing from PATH
# once; a tool that no supervisor can mediate fails with one line that
# gives the session command.
. "$(dirname "$0")/../lib/tap.sh"

SUP="$(dirname "$LS")/landstrip-supervisor"
W="$HOME/.local/share/landstrip/bin"
mkdir -p "$T/realbin"
# The real tools: each says so, with SHOWPATH set prints its PATH, and
# with MARK set tries to create that file (outside the project: only an
# unconfined one can).
for t in tool-a tool-b; do
	printf '#!/bin/sh\necho "real %s"\n[ -z "${SHOWPATH:-}" ] || printf "%%s\\n" "$PATH"\n[ -z "${MARK:-}" ] || : >"$MARK"\n' \
		"$t" >"$T/realbin/$t"
	chmod +x "$T/realbin/$t"
done
BASE=/usr/local/bin:/usr/bin:/bin
export PATH="$T/realbin:$BASE"

# run CMD...: run CMD, keeping its stdout and stderr ($T/out, $T/err) and
# its status ($rc).  Then one condition over all three, and verdict DESC:
# a single result for the whole condition.
run() { "$@" >"$T/out" 2>"$T/err" </dev/null; rc=$?; }
verdict() {
	if [ $? = 0 ]; then _tap_result ok "$1"
	else echo "#   status $rc"; _tap_result "not ok" "$1"; fi
}
out_is() { [ "$(cat "$T/out")" = "$1" ]; }
out_has() { grep -Eq -- "$1" "$T/out"; }
err_has() { grep -Eq -- "$1" "$T/err"; }
err_lines() { [ "$(wc -l <"$T/err")" = "$1" ]; }
esc() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }
show_path='printf "%s\n" "$PATH"'

write_config <<'INI'
[sandbox]
allowWrite = .

[tool.tool-a]
[tool.tool-b]
INI

# =============================================================================
# No wrapper set: the session is refused, the agent does not run
# =============================================================================
run "$SUP" -- sh -c 'echo ran'
[ "$rc" = 1 ] && [ ! -s "$T/out" ] && err_lines 1 &&
	err_has "^landstrip: supervisor: the wrapper directory $(esc "$W") does not exist, .*unconfined: run landstrip-exec --install-wrappers \(or start with --no-wrappers\)\$"
verdict "no wrapper directory: the agent does not run; one line names the directory and the fix"
run "$SUP" --no-wrappers -- sh -c "$show_path"
[ "$rc" = 0 ] && out_is "$PATH"
verdict "--no-wrappers: the agent runs, PATH as it was"
mkdir -p "$W"
run "$SUP" -- sh -c 'echo ran'
[ "$rc" = 1 ] && [ ! -s "$T/out" ] &&
	err_has "the wrapper directory $(esc "$W") holds none of the config's wrappers"
verdict "a wrapper directory without the config's wrappers: refused too, and said so"

# =============================================================================
# The wrapper directory first in PATH, once
# =============================================================================
"$LS" --install-wrappers >/dev/null
run "$SUP" -- sh -c "$show_path"
[ "$rc" = 0 ] && out_is "$W:$T/realbin:$BASE" &&
	PATH="$W:$T/realbin:$BASE" run "$SUP" -- sh -c "$show_path" &&
	[ "$rc" = 0 ] && out_is "$W:$T/realbin:$BASE"
verdict "session: the wrapper directory is put first in PATH, and left as is when it is first already"
PATH="$T/realbin:$W:$BASE" run "$SUP" -- sh -c "$show_path"
[ "$rc" = 0 ] && out_is "$W:$T/realbin:$BASE"
verdict "session: behind a real tool in PATH, it is moved to the front"
PATH="$T/realbin:$W/:$BASE:$W" run "$SUP" -- sh -c "$show_path"
[ "$rc" = 0 ] && out_is "$W:$T/realbin:$BASE"
verdict "session: in PATH twice, spelled differently: once, first"
MARK="$T/outside/tool-mark" run "$SUP" -- sh -c 'command -v tool-a; tool-a; exit 0'
[ "$rc" = 0 ] && out_has "^$(esc "$W/tool-a")\$" && out_has '^real tool-a$' &&
	[ ! -e "$T/outside/tool-mark" ]
verdict "session: a tool the agent runs by name is its wrapper, which confines it"
# The agent itself is looked up on PATH as it was (tool-a stands for an
# agent here): a wrapper of the same name does not confine it.
MARK="$T/outside/agent-mark" SHOWPATH=1 run "$SUP" -- tool-a
[ "$rc" = 0 ] && out_is "real tool-a
$W:$T/realbin:$BASE" && [ -e "$T/outside/agent-mark" ]
verdict "session: the agent itself is the real one, unconfined, with the wrapper directory first in its PATH"

# wrapperDir in [landstrip], from ~ and written loosely: read as the shim
# reads it.
write_config <<'INI'
[landstrip]
wrapperDir = ~//my/./wrappers/  ; a comment
[sandbox]
allowWrite = .
[tool.tool-a]
INI
"$LS" --install-wrappers >/dev/null
run "$SUP" -- sh -c "$show_path"
[ "$rc" = 0 ] && out_is "$HOME/my/wrappers:$T/realbin:$BASE"
verdict "wrapperDir: the session puts that directory first, as the shim names it"
# A config the shim refuses: so does the session.
write_config <<'INI'
[landstrip]
wrapperDir = ~/my/wrappers
nosuchkey = 1
INI
run "$SUP" -- sh -c 'echo ran'
[ "$rc" = 1 ] && [ ! -s "$T/out" ] && err_has "^landstrip: supervisor: $(esc "$T/cfg/config.ini"):[0-9]+: "
verdict "a config the shim cannot read: the session is refused with its error"

# No tool section (the embedded default here): nothing to wrap, nothing to
# refuse, and a wrapper directory that exists still goes first.  (Without
# one, PATH is left alone: the other session checks, 50-supervisor.sh's
# among them, run that way.)
unset LANDSTRIP_CONFIG
rm -rf "$W"
mkdir -p "$W"
run "$SUP" -- sh -c "$show_path"
[ "$rc" = 0 ] && out_is "$W:$PATH"
verdict "no tool section: an existing wrapper directory is put first"
rmdir "$W"

# =============================================================================
# --doctor: in a session or not; the wrapper directory missing from PATH once
# =============================================================================
write_config <<'INI'
[sandbox]
allowWrite = .
[tool.tool-a]
[tool.tool-b]
INI
"$LS" --install-wrappers >/dev/null
run "$LS" --doctor
[ "$rc" = 1 ] && out_has '^  ok       not in a session \(LANDSTRIP_SUPERVISOR_FD is not set\): to start an agent in one: landstrip-supervisor -- AGENT$'
verdict "doctor outside a session: says so, with the command to start one"
[ "$(grep -c '^  PROBLEM' "$T/out")" = 1 ] &&
	out_has "^  PROBLEM  wrapper directory $(esc "$W") is not in PATH\$" &&
	out_has "^           fix: start the agent with: landstrip-supervisor -- AGENT \(it puts the directory first in PATH\), or export PATH=$(esc "$W"):\\\$PATH\$" &&
	out_has '^landstrip doctor: 1 problem$' &&
	out_has "^  ok       tool-a -> $(esc "$T/realbin/tool-a")\$" &&
	out_has "^  ok       tool-b -> $(esc "$T/realbin/tool-b")\$"
verdict "doctor: the wrapper directory missing from PATH is one problem, not one per tool, and its fix is the session"
run "$SUP" -- "$LS" --doctor
[ "$rc" = 0 ] && out_has '^landstrip doctor: healthy$' &&
	out_has '^  ok       in a session: landstrip-supervisor \(pid [0-9]+\) answers on LANDSTRIP_SUPERVISOR_FD$' &&
	out_has "^  ok       wrapper directory $(esc "$W") is in PATH\$"
verdict "doctor in a session: healthy, and says whose session it is"
run "$SUP" -- "$LS" -- "$LS" --doctor
[ "$rc" = 0 ] && out_has '^  ok       session: this shell runs inside a landstrip sandbox'
verdict "doctor in a wrapped shell: says it runs inside a sandbox"
LANDSTRIP_SUPERVISOR_FD=0 PATH="$W:$PATH" run "$LS" --doctor
[ "$rc" = 0 ] && out_has '^  ok       not in a session \(LANDSTRIP_SUPERVISOR_FD=0 names no session socket\)'
verdict "doctor: LANDSTRIP_SUPERVISOR_FD naming no socket is not a session (per-tool mode)"
if needs_tool "doctor with a session supervisor that is gone" python3; then
	cat >"$T/dead-session.py" <<'PY'
import os, socket, sys
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
b.close()
os.set_inheritable(a.fileno(), True)
os.environ["LANDSTRIP_SUPERVISOR_FD"] = str(a.fileno())
os.execvp(sys.argv[1], sys.argv[1:])
PY
	PATH="$W:$PATH" run python3 "$T/dead-session.py" "$LS" --doctor
	[ "$rc" = 1 ] && out_has '^  PROBLEM  the session supervisor \(LANDSTRIP_SUPERVISOR_FD\) is gone: ' &&
		out_has '^           fix: start the agent again with: landstrip-supervisor -- AGENT$'
	verdict "doctor: a session supervisor that is gone is a problem, with the fix"
fi

# =============================================================================
# A tool no supervisor can mediate: one line, with the session command
# =============================================================================
cat >"$T/cfg/lb.ini" <<INI
[sandbox]
allowWrite = $T/proj
allowLocalBinding = true
INI
scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)
if [ "${scope:-0}" -ge 2 ]; then
	skip "a tool no supervisor can mediate" "Yama ptrace_scope $scope: session mode cannot mediate either"
	exit 0
fi
if [ "$scope" = 1 ]; then
	line_re='^landstrip: try needs a supervisor and Yama ptrace_scope 1 allows only an ancestor: start the agent with: landstrip-supervisor -- AGENT$'
else
	line_re='^landstrip: try needs a supervisor and a per-tool one cannot take its file descriptors \(pidfd_getfd: Operation not permitted\): start the agent with: landstrip-supervisor -- AGENT$'
fi
# Where this user's per-tool supervisors cannot take their tool's fds
# (Yama ptrace_scope 1 for a user without CAP_SYS_PTRACE), the shim as
# built shows it.  Elsewhere a copy of the shim whose supervisor runs under
# a filter refusing pidfd_getfd(2) with EPERM, as Yama does, stands in.
take_a_siblings_fd >"$T/probe.out" 2>&1
if [ "$(head -n 1 "$T/probe.out")" = EPERM ]; then
	SHIM=$LS
else
	mkdir -p "$T/filtered"
	cp "$LS" "$T/filtered/landstrip-exec"
	printf '#!/bin/sh\nexec "%s" seccomp-refuse getfd "%s" "$@"\n' "$TRY" "$SUP" \
		>"$T/filtered/landstrip-supervisor"
	chmod +x "$T/filtered/landstrip-supervisor"
	SHIM="$T/filtered/landstrip-exec"
fi
run timeout 20 "$SHIM" -c "$T/cfg/lb.ini" -- "$TRY" write "$T/proj/unmediated"
[ "$rc" = 1 ] && [ ! -e "$T/proj/unmediated" ] && err_lines 1 && err_has "$line_re" &&
	run timeout 20 "$SUP" -- "$SHIM" -c "$T/cfg/lb.ini" -- "$TRY" serve-self 127.0.0.1 &&
	[ "$rc" = 0 ] && out_is ok
verdict "a tool its per-tool supervisor cannot reach does not run; one line gives the session command, which runs it mediated"

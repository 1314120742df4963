#!/bin/bash
# make bench: what the shim costs on every tool call, as ratios against a
# direct fork+exec+wait of /bin/true measured in the same interleaved run
# (machines here are 2 cores and noisy: compare ratios, not microseconds).
set -eu
[ -n "${BENCH_DEBUG:-}" ] && set -x
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../build
# BENCH_BASELINE=DIR: an earlier build (its landstrip-exec and
# landstrip-supervisor) measured in the same interleaved runs, so that a
# change is judged against what it replaces on the same noisy machine.
base=${BENCH_BASELINE:-}
if [ -n "$base" ] && { ! [ -x "$base/landstrip-exec" ] ||
	! [ -x "$base/landstrip-supervisor" ]; }; then
	echo "bench: BENCH_BASELINE=$base has no landstrip-exec and landstrip-supervisor" >&2
	exit 1
fi
# Under a write root of the embedded default (/tmp, /var/tmp, /dev/shm),
# an older build's own binaries are mandatory denies there, which makes
# that root mediated: its default-policy figures would pay for that.
case ${base:+$(cd "$base" && pwd -P)/} in
/tmp/* | /var/tmp/* | /dev/shm/*)
	echo "bench: note: BENCH_BASELINE=$base is under a write root of the embedded default; its binaries' denies make that root mediated, and slow its default-policy figures: copy it elsewhere to compare" >&2 ;;
esac
runs=${BENCH_RUNS:-2000}
cc -O2 -o "$bin/spawnbench" "$here/helpers/spawnbench.c"

user_home=${HOME:-}
t=$(mktemp -d /tmp/landstrip-bench.XXXXXX)
dhome="" g=""
trap 'rm -rf "$t" ${dhome:+"$dhome"} ${g:+"$g"}' EXIT
export HOME="$t/home"
mkdir -p "$HOME/.ssh" "$HOME/.cache" "$HOME/.config" "$t/proj/src" "$t/proj/.git"
for f in .bashrc .profile .gitconfig .npmrc .viminfo; do echo x >"$HOME/$f"; done
for d in .local .npm .cargo .rustup go Documents Downloads projects; do mkdir -p "$HOME/$d"; done
# The configs get a directory of their own: a config's directory is
# write-protected inside every sandbox, and would take any write root
# below it along (the write roots here are under $t).
c=$t/cfg
mkdir -p "$c"
echo key >"$HOME/.ssh/id_ed25519"
echo hosts >"$HOME/.ssh/known_hosts"
# The realistic policy of the issue: two write roots, a denyRead with an
# allowRead inside it, a proxy port.
cat >"$c/config.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowWrite = $HOME/.cache
denyRead = $HOME/.ssh
allowRead = $HOME/.ssh/known_hosts
httpProxyPort = 3128
INI
# The same without the proxy port: a proxy port needs landstrip-supervisor
# (Landlock alone would allow that port on any host, THREATS.md #5), so the
# line above pays for starting one; these two show the shim alone.
cat >"$c/no-proxy.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowWrite = $HOME/.cache
denyRead = $HOME/.ssh
allowRead = $HOME/.ssh/known_hosts
INI
cat >"$c/writes-only.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowWrite = $HOME/.cache
INI
cd "$t/proj"
export LANDSTRIP_CONFIG="$c/config.ini"
# Each policy as written, or the figures are about another one.
for cfg in config no-proxy writes-only; do
	if "$bin/landstrip-exec" -c "$c/$cfg.ini" --check | grep -A9 '^granted nothing' | grep -q allowWrite; then
		echo "bench: $cfg.ini does not grant every write root:" >&2
		"$bin/landstrip-exec" -c "$c/$cfg.ini" --check >&2
		exit 1
	fi
done
ls=$bin/landstrip-exec

echo "landstrip-exec: /bin/true, $runs interleaved runs each [target: at most 1.4x]"
args=("$runs" "direct /bin/true" /bin/true
	--- "realistic (per-tool supervisor)" "$ls" -- /bin/true
	--- "realistic without the proxy port" "$ls" -c "$c/no-proxy.ini" -- /bin/true
	--- "two write roots only" "$ls" -c "$c/writes-only.ini" -- /bin/true)
if [ -n "$base" ]; then
	args+=(--- "realistic, baseline" "$base/landstrip-exec" -- /bin/true
		--- "two write roots only, baseline" "$base/landstrip-exec" \
		-c "$c/writes-only.ini" -- /bin/true)
fi
# The Rust original, when installed from npm, side by side.
rust=$(command -v landstrip 2>/dev/null || true)
if [ -n "$rust" ]; then
	args+=(--- "rust landstrip ($rust)" "$rust" -- /bin/true)
fi
"$bin/spawnbench" "${args[@]}" | tee "$t/result"
# In a session the supervisor also keeps the ruleset the first call built
# (the ruleset cache of landstrip-supervisor(8)): later calls skip the walk.
echo "in a session (landstrip-supervisor -- AGENT), with its ruleset cache:"
"$bin/landstrip-supervisor" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "realistic (session supervisor)" "$ls" -- /bin/true \
	--- "no proxy port (session)" "$ls" -c "$c/no-proxy.ini" -- /bin/true \
	| tee -a "$t/result"
# The baseline in a session of its own: its shim speaks its own wire
# version, which this build's supervisor refuses.
if [ -n "$base" ]; then
	"$base/landstrip-supervisor" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
		--- "realistic (session), baseline shim" "$base/landstrip-exec" -- /bin/true |
		tee -a "$t/result"
fi
for what in "realistic (per-tool supervisor)" "realistic without the proxy port" \
	"two write roots only" "realistic (session supervisor)" \
	"no proxy port (session)" ${base:+"realistic, baseline" \
	"two write roots only, baseline" "realistic (session), baseline shim"}; do
	printf 'shim/direct ratio, %s: %sx\n' "$what" \
		"$(awk -v w="  $what median" '{sub(/ +median/, " median")} index($0, w) {print $NF}' \
			"$t/result" | tr -d x)"
done

# ---- landstrip-supervisor: brokered calls (issue targets in brackets) ----
cat >"$c/broker.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowLocalBinding = true
INI
sup=$bin/landstrip-supervisor
try=$bin/try
make -s -C "$here/.." build/try >/dev/null
echo
# Five runs of 3000 binds each, one after the other for every mode: a
# single run moves by a quarter from one minute to the next here, so the
# figure is the middle run's median (each run prints median and p90).
bind_runs() {
	local i runs=()
	for i in 1 2 3 4 5; do runs+=("$("$@" bind-latency 3000)"); done
	printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p | tr '\n' ' '
	echo "(runs: $(printf '%s, ' "${runs[@]%% *}" | sed 's/, $//'))"
}
echo "brokered loopback bind, median of 5 runs' medians, p90 in us [target: at most 20 us median]"
printf '  %-34s %s\n' "unconfined" "$(bind_runs "$try")"
printf '  %-34s %s\n' "per-tool supervisor" "$(bind_runs "$ls" -c "$c/broker.ini" -- "$try")"
printf '  %-34s %s\n' "session supervisor" "$(bind_runs "$sup" -- "$ls" -c "$c/broker.ini" -- "$try")"
if [ -n "$base" ]; then
	# The two builds alternate, run by run, so that drift hits both.
	bind_ab() { # LABEL CMD... (with @ for the build's directory)
		local label=$1 i new=() old=()
		shift
		for i in 1 2 3 4 5; do
			new+=("$("${@//@/$bin}" bind-latency 3000)")
			old+=("$("${@//@/$base}" bind-latency 3000)")
		done
		for which in new old; do
			local -n r=$which
			printf '  %-34s %s\n' "$label, $which" \
				"$(printf '%s\n' "${r[@]}" | sort -n | sed -n 3p)"
		done
	}
	echo "  this build against BENCH_BASELINE, alternating runs:"
	bind_ab "per-tool supervisor" @/landstrip-exec -c "$c/broker.ini" -- "$try"
	bind_ab "session supervisor" @/landstrip-supervisor -- @/landstrip-exec \
		-c "$c/broker.ini" -- "$try"
fi
# A session supervisor keeps a sandbox for every background daemon a tool
# left running; 64 idle ones alive must not slow the others' calls.
export -f bind_runs
printf '  %-34s %s\n' "session, 64 idle sandboxes alive" "$("$sup" -- bash -c '
	for i in $(seq 64); do "$1" -c "$2" -- sleep 120 & done
	sleep 2
	bind_runs "$1" -c "$2" -- "$3"
	kill $(jobs -p) 2>/dev/null' _ "$ls" "$c/broker.ini" "$try")"

echo
echo "broker-mode /bin/true, $runs interleaved runs [target: at most 2.5x direct]"
"$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "per-tool supervisor" "$ls" -c "$c/broker.ini" -- /bin/true | tee "$t/broker"
"$sup" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "session supervisor" "$ls" -c "$c/broker.ini" -- /bin/true | tee -a "$t/broker"

# A deny inside the write root makes it a mediated root (issue 5): what
# that costs each call that writes nothing.
cat >"$c/mediated.ini" <<INI
[sandbox]
allowWrite = $t/proj
denyWrite = $t/proj/.git/hooks
INI
"$bin/landstrip-exec" -c "$c/mediated.ini" --check | grep -q '^mediated' ||
	{ echo "bench: mediated.ini has no mediated root" >&2; exit 1; }
echo
echo "a mediated root (allowWrite = . + denyWrite = .git/hooks), /bin/true, $runs interleaved runs"
"$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "mediated root, per-tool supervisor" "$ls" -c "$c/mediated.ini" -- /bin/true
"$sup" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "mediated root, session supervisor" "$ls" -c "$c/mediated.ini" -- /bin/true

# The embedded default (no config file: HOME here has none) in a project
# with a git repository: the built-in protected set makes the project a
# mediated root.  And three wrapped tools nested in a session, as a
# wrapped shell starting a wrapped tool that starts another.
# HOME is where a user's is, outside the default's write roots (the
# bench's own is under /tmp, which the default may write: its start-up
# files and ~/.ssh would then lie inside a write root): a directory in
# the user's home, as if it were the home itself, with the project in it.
# So the walk carves what a user's does: "/", the home's parent, the home.
# Under /tmp, a write root of the default, the project would make /tmp a
# mediated root too (the second run shows what that adds).  (Before, the
# home was under build/ of this checkout: four levels down, and inside a
# git repository with its worktrees, which the protected set then added.)
dhome=$(mktemp -d "${user_home:-/nonexistent}/.landstrip-bench.XXXXXX" 2>/dev/null ||
	mktemp -d "$here/../build/bench-home.XXXXXX")
mkdir -p "$dhome/.ssh" "$dhome/.cache" "$dhome/.npm" "$dhome/proj/src" "$dhome/proj/.git"
echo
echo "the embedded default in a project with a git repository (the built-in protected set), /bin/true, $runs interleaved runs [issue 15 targets: at most 2.0x per-tool, 1.5x in a session]"
(cd "$dhome/proj" && env -u LANDSTRIP_CONFIG HOME="$dhome" "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "default, per-tool supervisor" "$ls" -- /bin/true)
(cd "$t/proj" && env -u LANDSTRIP_CONFIG HOME="$dhome" "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "default, per-tool, project under /tmp" "$ls" -- /bin/true)
(cd "$dhome/proj" && env -u LANDSTRIP_CONFIG HOME="$dhome" "$sup" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "default, session supervisor" "$ls" -- /bin/true \
	--- "three nested shims, session" "$ls" -- "$ls" -- "$ls" -- /bin/true)
rm -rf "$dhome" && dhome=""

echo
echo "16 sandboxes x 200 binds at once under one session supervisor"
"$sup" -- bash -c '
	fails=0 pids=()
	for i in $(seq 16); do "$1" -c "$2" -- "$3" bind-latency 200 >/dev/null 2>&1 & pids+=($!); done
	for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
	echo "  $((16 - fails)) of 16 sandboxes completed 200 binds each, $fails failed"
	[ "$fails" = 0 ]' _ "$ls" "$c/broker.ini" "$try"

# ---- write mediation: a write-heavy real workload (issue 5) ----
# Deny entries inside a write root make it a mediated root: every write-class
# call in it is a round trip to landstrip-supervisor.  One round is a git
# checkout of the files onto an empty work tree and back to an empty orphan
# branch (creates, then unlinks, every file), under two policies that differ
# only in the deny entries, interleaved with direct git.  The repository is
# under /tmp like the rest; where file creation itself is slow and varies
# (a busy disk), BENCH_GIT_DIR=/dev/shm measures on tmpfs instead, where the
# broker's share of the time is largest.
gfiles=${BENCH_GIT_FILES:-5000} grounds=${BENCH_GIT_ROUNDS:-7}
if [ -n "${BENCH_GIT_DIR:-}" ]; then
	g=$(mktemp -d "$BENCH_GIT_DIR/landstrip-bench-git.XXXXXX")
	: # removed by the EXIT trap
else
	g=$t/git
fi
mkdir -p "$g/home" "$g/repo" "$g/cfg"
export HOME="$g/home" GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
printf '[user]\n\tname = bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = master\n' \
	>"$HOME/.gitconfig"
cat >"$g/cfg/denies.ini" <<INI
[sandbox]
allowWrite = .
denyWrite = .git/hooks
denyWrite = **/.env
INI
cat >"$g/cfg/plain.ini" <<INI
[sandbox]
allowWrite = .
INI
cd "$g/repo"
git init -q
for ((d = 0; d < 50; d++)); do
	mkdir "d$d"
	for ((f = 0; f < (gfiles + 49) / 50; f++)); do
		printf 'file %d of directory %d\nsecond line\n' "$f" "$d" >"d$d/f$f.txt"
	done
done
git add -A && git commit -qm files
# A branch with the same directories and every file changed: checking it
# out rewrites files in directories that exist.
git checkout -q -b other && git ls-files -z | xargs -0 sed -i 's/second line/other line/' &&
	git commit -qam other && git checkout -q master
git checkout -q --orphan empty && git rm -rqf . && git commit -qm empty --allow-empty
nfiles=$(git ls-tree -r master | wc -l)
# git-round [SHIM -c CONFIG --]: every file made in new directories, then
# removed; rewrite-round: every file rewritten in place, twice.
cat >"$g/round" <<'SH'
"$@" git checkout -q master && "$@" git checkout -q empty
SH
cat >"$g/rewrite-round" <<'SH'
"$@" git checkout -q other && "$@" git checkout -q master
SH
# The same policy as plain.ini without the built-in protected set: each
# entry --check lists, relaxed by an allowWrite naming it.
{
	printf '[sandbox]\nallowWrite = .\n'
	"$ls" -c "$g/cfg/plain.ini" --check |
		sed -n 's/^  \(\/[^ ]*\) .*(built-in).*/allowWrite = \1/p'
} >"$g/cfg/unprotected.ini"
if "$ls" -c "$g/cfg/unprotected.ini" --check | grep -q '^mediated' ||
	! "$ls" -c "$g/cfg/plain.ini" --check | grep -q '^mediated'; then
	echo "bench: unprotected.ini should be plain, plain.ini mediated (the protected set)" >&2
	exit 1
fi
# One checked round per policy first: a failure shows git's message, and
# the files must really be there.
for cfg in unprotected plain denies; do
	if ! "$ls" -c "$g/cfg/$cfg.ini" -- git checkout -q master 2>"$g/err" ||
		[ "$(git ls-files | wc -l)" != "$nfiles" ] ||
		! "$ls" -c "$g/cfg/$cfg.ini" -- git checkout -q empty 2>>"$g/err" ||
		[ "$(ls -A)" != .git ]; then
		echo "write-heavy: git checkout under the $cfg.ini policy FAILED:"
		sed 's/^/  /' "$g/err"
		sed 's/^/  | /' "$g/cfg/$cfg.ini"
		exit 1
	fi
done
# ... and the denies must be enforced, or the ratio measures nothing.
if "$ls" -c "$g/cfg/denies.ini" -- sh -c 'echo x > .git/hooks/probe' 2>/dev/null ||
	[ -e .git/hooks/probe ]; then
	echo "write-heavy: denies.ini did not refuse a write to .git/hooks: FAILED"
	exit 1
fi
med() { awk -v w="$1" 'index($0, w) {for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1)}' "$g/result"; }
# write_heavy ROUND WHAT: one interleaved run of ROUND under each policy.
write_heavy() {
	echo
	echo "write-heavy: git checkout of $nfiles files in 50 directories, $2," \
		"$grounds interleaved rounds on $(stat -f -c %T .)"
	"$bin/spawnbench" "$grounds" "direct git" /bin/sh "$g/$1" \
		--- "allowWrite = ., protected set relaxed" /bin/sh "$g/$1" "$ls" -c "$g/cfg/unprotected.ini" -- \
		--- "allowWrite = . (protected set)" /bin/sh "$g/$1" "$ls" -c "$g/cfg/plain.ini" -- \
		--- "allowWrite = . + 2 denyWrite" /bin/sh "$g/$1" "$ls" -c "$g/cfg/denies.ini" -- |
		tee "$g/result"
	local direct plain prot denies
	direct=$(med "direct git") plain=$(med "set relaxed") prot=$(med "(protected set)")
	denies=$(med "2 denyWrite")
	awk -v n="$nfiles" -v d="$direct" -v p="$plain" -v q="$prot" -v m="$denies" -v w="$2" 'BEGIN {
		printf "write-heavy, %s: the protected set vs none %.2fx, 2 denyWrite vs none %.2fx\n", w, q / p, m / p
		printf "  medians: protected %.0f ms, denies %.0f ms, none %.0f ms, direct git %.0f ms (none vs direct: %.2fx)\n", q / 1000, m / 1000, p / 1000, d / 1000, p / d
	}'
	# Where the time goes: one more round of each mediated policy under
	# --debug, whose closing lines count the trapped calls and how many
	# Landlock decided (the snapshot) rather than the supervisor.
	local cfg calls left
	for cfg in plain denies; do
		/bin/sh "$g/$1" "$ls" --debug -c "$g/cfg/$cfg.ini" -- 2>"$g/debug" >/dev/null
		sleep 0.2 # the closing lines come after the tools' exit
		calls=$(sed -n 's/.*debug: .*: \([0-9]*\) file-system calls trapped.*/\1/p' "$g/debug" | awk '{s += $1} END {print s + 0}')
		left=$(sed -n 's/.*trapped, \([0-9]*\) of them left to Landlock.*/\1/p' "$g/debug" | awk '{s += $1} END {print s + 0}')
		awk -v c="$calls" -v l="$left" -v t="$([ $cfg = plain ] && echo "$prot" || echo "$denies")" -v p="$plain" -v cfg="$cfg" 'BEGIN {
			printf "  where the time goes (%s): %d trapped calls a round, %d left to Landlock, %d performed by the supervisor; %.1f us a trapped call over the unmediated round\n",
				cfg == "plain" ? "protected set" : "2 denyWrite", c, l, c - l, c ? (t - p) / c : 0
		}'
	done
}
write_heavy round "made in new directories and removed [issue 15: not worse than full mediation]"
write_heavy rewrite-round "rewritten in directories that exist [issue 15 target: at most 1.3x]"

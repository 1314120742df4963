#!/bin/bash
# make bench: what the shim costs on every tool call, as ratios against a
# direct fork+exec+wait of /bin/true measured in the same interleaved run
# (machines here are 2 cores and noisy: compare ratios, not microseconds).
set -eu
[ -n "${BENCH_DEBUG:-}" ] && set -x
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/../build
runs=${BENCH_RUNS:-2000}
cc -O2 -o "$bin/spawnbench" "$here/helpers/spawnbench.c"

t=$(mktemp -d /tmp/landstrip-bench.XXXXXX)
trap 'rm -rf "$t"' EXIT
export HOME="$t/home"
mkdir -p "$HOME/.ssh" "$HOME/.cache" "$HOME/.config" "$t/proj/src" "$t/proj/.git"
for f in .bashrc .profile .gitconfig .npmrc .viminfo; do echo x >"$HOME/$f"; done
for d in .local .npm .cargo .rustup go Documents Downloads projects; do mkdir -p "$HOME/$d"; done
echo key >"$HOME/.ssh/id_ed25519"
echo hosts >"$HOME/.ssh/known_hosts"
# The realistic policy of the issue: two write roots, a denyRead with an
# allowRead inside it, a proxy port.
cat >"$t/config.ini" <<INI
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
cat >"$t/no-proxy.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowWrite = $HOME/.cache
denyRead = $HOME/.ssh
allowRead = $HOME/.ssh/known_hosts
INI
cat >"$t/writes-only.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowWrite = $HOME/.cache
INI
cd "$t/proj"
export LANDSTRIP_CONFIG="$t/config.ini"
ls=$bin/landstrip-exec

echo "landstrip-exec: /bin/true, $runs interleaved runs each [target: at most 1.4x]"
args=("$runs" "direct /bin/true" /bin/true
	--- "realistic (per-tool supervisor)" "$ls" -- /bin/true
	--- "realistic without the proxy port" "$ls" -c "$t/no-proxy.ini" -- /bin/true
	--- "two write roots only" "$ls" -c "$t/writes-only.ini" -- /bin/true)
# The Rust original, when installed from npm, side by side.
rust=$(command -v landstrip 2>/dev/null || true)
if [ -n "$rust" ]; then
	args+=(--- "rust landstrip ($rust)" "$rust" -- /bin/true)
fi
"$bin/spawnbench" "${args[@]}" | tee "$t/result"
echo "in a session (landstrip-supervisor -- AGENT), the realistic policy:"
"$bin/landstrip-supervisor" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "realistic (session supervisor)" "$ls" -- /bin/true | tee -a "$t/result"
for what in "realistic (per-tool supervisor)" "realistic without the proxy port" \
	"two write roots only" "realistic (session supervisor)"; do
	printf 'shim/direct ratio, %s: %sx\n' "$what" \
		"$(awk -v w="$what" 'index($0, w) {print $NF}' "$t/result" | tr -d x)"
done

# ---- landstrip-supervisor: brokered calls (issue targets in brackets) ----
cat >"$t/broker.ini" <<INI
[sandbox]
allowWrite = $t/proj
allowLocalBinding = true
INI
sup=$bin/landstrip-supervisor
try=$bin/try
make -s -C "$here/.." build/try >/dev/null
echo
echo "brokered loopback bind (median, p90 in us) [target: at most 20 us median]"
printf '  %-34s %s\n' "unconfined" "$("$try" bind-latency 3000)"
printf '  %-34s %s\n' "per-tool supervisor" "$("$ls" -c "$t/broker.ini" -- "$try" bind-latency 3000)"
printf '  %-34s %s\n' "session supervisor" "$("$sup" -- "$ls" -c "$t/broker.ini" -- "$try" bind-latency 3000)"

echo
echo "broker-mode /bin/true, $runs interleaved runs [target: at most 2.5x direct]"
"$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "per-tool supervisor" "$ls" -c "$t/broker.ini" -- /bin/true | tee "$t/broker"
"$sup" -- "$bin/spawnbench" "$runs" "direct /bin/true" /bin/true \
	--- "session supervisor" "$ls" -c "$t/broker.ini" -- /bin/true | tee -a "$t/broker"

echo
echo "16 sandboxes x 200 binds at once under one session supervisor"
"$sup" -- bash -c '
	fails=0 pids=()
	for i in $(seq 16); do "$1" -c "$2" -- "$3" bind-latency 200 >/dev/null 2>&1 & pids+=($!); done
	for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
	echo "  $((16 - fails)) of 16 sandboxes completed 200 binds each, $fails failed"
	[ "$fails" = 0 ]' _ "$ls" "$t/broker.ini" "$try"

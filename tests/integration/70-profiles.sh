#!/bin/bash
# The profiles of install/config.ini.example, proven with the real tools:
# the example is copied to ~/.config/landstrip/config.ini, --install-wrappers
# makes the wrapper set, the wrapper directory goes first in PATH, and each
# installed tool does a real job in a project through its wrapper; then the
# same profile keeps it from writing outside the project, from reading
# ~/.ssh/id_ed25519 and from connecting to a loopback port that a listener
# outside the sandbox serves.  A tool that is not installed is skipped.
#
# Where things live.  tap.sh puts $T, and HOME with it, under $TMPDIR, which
# is /tmp: a write root of most profiles, so that everything in HOME and
# $T/outside would be writable, which never happens on a real machine.  So
# $T goes under /var/tmp here, which no profile grants, and the tools'
# TMPDIR is a directory made under /tmp beforehand.  (In the unprivileged
# pass the binaries are under /tmp, write-protected, so /tmp itself keeps
# no create rights: see 14-tools.sh.)
#
# The unprivileged pass runs from a copy of tests/ without install/; it is
# started from the directory `make check` runs in, the source tree, where
# the example is found.
here=$(cd "$(dirname "$0")" && pwd)
example=
for c in "${LANDSTRIP_EXAMPLE:-}" "$here/../../install/config.ini.example" \
	"$PWD/install/config.ini.example" "$PWD/../install/config.ini.example"; do
	[ -n "$c" ] && [ -r "$c" ] && { example=$(cd "$(dirname "$c")" && pwd)/config.ini.example; break; }
done
real_home=$HOME
# pyenv's shims run pyenv's rehash after pip install, which writes
# ~/.pyenv/shims, a directory on PATH that no profile grants: pip then
# exits 1 after installing (see README.md).  The tests use the other
# Pythons on PATH.
base_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v '/\.pyenv/' | paste -sd: -)
var_tmp_ok=
if [ -d /var/tmp ] && [ -w /var/tmp ]; then
	export TMPDIR=/var/tmp var_tmp_ok=1
fi
. "$(dirname "$0")/../lib/tap.sh"

if [ -z "$var_tmp_ok" ]; then
	skip "profiles" "/var/tmp is not writable: the test home must be outside /tmp"
	exit 0
fi
if [ -z "$example" ]; then
	skip "profiles" "install/config.ini.example not found (set LANDSTRIP_EXAMPLE)"
	exit 0
fi
# The profiles are mediated, by per-tool supervisors: where none can reach
# its tool, none of this can run (tests/lib/tap.sh).
needs_per_tool "profiles (mediated policies)" || exit 0

p="$T/proj"
W="$HOME/.local/share/landstrip/bin"
tt=$(mktemp -d /tmp/landstrip-profiles.XXXXXX)
export TMPDIR="$tt"
unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_REQUIRE_VIRTUALENV \
	CARGO_TARGET_DIR RUSTC RUSTC_WRAPPER CC npm_config_cache
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 NO_UPDATE_NOTIFIER=1 \
	npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# rustup's proxies find their toolchains in the real home; cargo's own home
# is the test's, so that ~/.cargo/registry is the one the profile grants.
if [ -z "${RUSTUP_HOME:-}" ] && [ -d "$real_home/.rustup" ]; then
	export RUSTUP_HOME="$real_home/.rustup"
fi
export CARGO_HOME="$HOME/.cargo"

# The user's files that no tool may touch, and a fake key.
mkdir -p "$HOME/.ssh" "$HOME/.config/landstrip"
echo "FAKE PRIVATE KEY" >"$HOME/.ssh/id_ed25519"
echo "# the user's bashrc" >"$HOME/.bashrc"
printf '[user]\n\tname = Profile Test\n\temail = test@example.invalid\n' >"$HOME/.gitconfig"
echo "//registry.example.invalid/:_authToken=SECRET" >"$HOME/.npmrc"
bashrc_sum=$(cksum <"$HOME/.bashrc")
gitconfig_sum=$(cksum <"$HOME/.gitconfig")

# real CMD...: run CMD unconfined, with the wrapper directory off PATH.
real() { PATH="$base_path" "$@"; }
# have TOOL: the real tool is installed (and reachable by this user).
have() { PATH="$base_path" command -v "$1" >/dev/null 2>&1; }

# run CMD...: CMD (a program or a function here), with a time limit for
# programs: nothing may hang.  Output in $T/out and $T/err.
run() {
	if [ "$(type -t "$1")" = function ]; then
		"$@" >"$T/out" 2>"$T/err" </dev/null
	else
		timeout 300 "$@" >"$T/out" 2>"$T/err" </dev/null
	fi
}

# refused DESC CMD...: CMD fails, and says it was denied.
deny_re='EACCES|[Pp]ermission denied|PermissionDenied|Operation not permitted'
refused() {
	local desc=$1
	shift
	run "$@"
	local got=$?
	if [ "$got" = 0 ]; then
		echo "#   expected a failure, got status 0: $*"
		_tap_result "not ok" "$desc"
	elif ! cat "$T/out" "$T/err" | grep -Eq -- "$deny_re"; then
		echo "#   status $got, but no permission error in the output: $*"
		_tap_result "not ok" "$desc"
	else
		_tap_result ok "$desc"
	fi
}

# refused_at DESC PATH CMD...: CMD fails, and a line of its output says
# that PATH was denied: the refusal is for PATH, not for something the
# build needed before it got there (a build that fails earlier fails this).
refused_at() {
	local desc=$1 path=$2
	shift 2
	run "$@"
	local got=$?
	if [ "$got" = 0 ]; then
		echo "#   expected a failure, got status 0: $*"
		_tap_result "not ok" "$desc"
	elif ! cat "$T/out" "$T/err" | grep -F -- "$path" | grep -Eq -- "$deny_re"; then
		echo "#   status $got, but no permission error naming $path: $*"
		_tap_result "not ok" "$desc"
	else
		_tap_result ok "$desc"
	fi
}

# works DESC CMD...: CMD exits 0 (with a time limit: nothing may hang).
works() {
	local desc=$1
	shift
	check "$desc" 0 timeout 300 "$@"
}

# ---- the listener: outside every sandbox, on loopback ----------------------
# It logs one line per connection it accepts.  A refused connect never
# reaches it; to be sure a connection is not merely late, net_refused makes
# one more, unconfined, and waits for that one.
listener_py='
import os, socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f: f.write("%d\n" % s.getsockname()[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
log = open(sys.argv[2], "a", buffering=1)
while True:
    c = s.accept()[0]; log.write("connection\n"); c.close()
'
port=
listener=
: >"$T/conns"
if have python3; then
	real timeout 900 python3 -c "$listener_py" "$T/port" "$T/conns" \
		</dev/null >/dev/null 2>"$T/listener.err" &
	listener=$!
	for _ in $(seq 100); do
		[ -s "$T/port" ] && break
		sleep 0.1
	done
	read -r port <"$T/port" 2>/dev/null || echo "# listener did not start: $(cat "$T/listener.err")"
fi
trap '[ -n "$listener" ] && kill "$listener" 2>/dev/null; wait 2>/dev/null; rm -rf "$tt"; _tap_done' EXIT
conns() { wc -l <"$T/conns" | tr -d ' '; }

net_refused() { # DESC CMD...
	local desc=$1
	shift
	if [ -z "$port" ]; then
		skip "$desc" "no loopback listener (python3 missing)"
		return
	fi
	local before
	before=$(conns)
	run "$@"
	local got=$?
	"$TRY" connect 127.0.0.1 "$port" >/dev/null 2>&1
	for _ in $(seq 100); do
		[ "$(conns)" -gt "$before" ] && break
		sleep 0.05
	done
	if [ "$got" = 0 ] || [ "$got" = 126 ] || [ "$got" = 127 ]; then
		echo "#   expected the tool to fail, got status $got: $*"
		_tap_result "not ok" "$desc"
	elif [ "$(conns)" != $((before + 1)) ]; then
		echo "#   the listener saw $(($(conns) - before)) connections (1 is the check's own)"
		_tap_result "not ok" "$desc"
	else
		_tap_result ok "$desc"
	fi
}

if [ -n "$port" ]; then
	before=$(conns)
	check "baseline: the listener on 127.0.0.1 accepts unconfined connections" 0 "$TRY" connect 127.0.0.1 "$port"
	for _ in $(seq 100); do [ "$(conns)" -gt "$before" ] && break; sleep 0.05; done
	[ "$(conns)" = $((before + 1)) ] && _tap_result ok "baseline: the listener logs it" ||
		_tap_result "not ok" "baseline: the listener logs it"
fi

# ---- the example config and the wrapper set ---------------------------------
sections=$(sed -n 's/^\[tool\.\([^]]*\)\].*/\1/p' "$example")
for name in $sections; do
	check "example: --check -p $name" 0 "$LS" --check -c "$example" -p "$name"
done
check "example: --check of [sandbox] alone" 0 "$LS" --check -c "$example"
cp "$example" "$HOME/.config/landstrip/config.ini"
check "--install-wrappers with the example" 0 "$LS" --install-wrappers
for name in $sections; do
	[ -L "$W/$name" ] && _tap_result ok "wrapper for $name" || _tap_result "not ok" "wrapper for $name"
done
export PATH="$W:$base_path"

# The caches each profile grants must exist before the tool starts (a root
# that does not exist grants nothing); install/setup.sh makes them for the
# tools it finds, as here.
mkdir -p "$HOME/.npm" "$HOME/.cache/node-gyp" "$HOME/.cache/pip" \
	"$HOME/.cargo/registry" "$HOME/.cargo/git" "$HOME/.cache/go-build" "$HOME/go/pkg/mod"

# =============================================================================
# git: init, add, commit, clone of a local repository
# =============================================================================
if have git; then
	real git init -q "$T/outside/upstream"
	(cd "$T/outside/upstream" && echo up >up.txt && real git add up.txt &&
		real git commit -qm upstream) >/dev/null 2>&1
	mkdir -p "$p/repo" && cd "$p/repo" || exit 1
	check "git: runs through the wrapper" 0 sh -c '[ "$(command -v git)" = "$0" ]' "$W/git"
	works "git: init" git init -q
	echo a >a
	works "git: add" git add a
	works "git: commit (user from ~/.gitconfig, which is readable)" git commit -qm first
	check "git: the commit is there" 0 sh -c '[ "$(git log -1 --format=%an)" = "Profile Test" ]'
	works "git: clone of a local repository into the project" git clone -q "$T/outside/upstream" upstream-clone
	works "git: the clone has the file" test -f upstream-clone/up.txt
	refused "git: config --global cannot write ~/.gitconfig" git config --global user.name pwned
	refused "git: cannot init a repository outside the project" git init -q "$T/outside/planted"
	refused "git: cannot plant a hook in another repository" \
		git -C "$T/outside/upstream" config core.hooksPath /dev/null
	refused "git: cannot read ~/.ssh/id_ed25519" git hash-object "$HOME/.ssh/id_ed25519"
	net_refused "git: cannot reach a loopback HTTP remote" git ls-remote "http://127.0.0.1:$port/r.git"
	cd "$p" || exit 1
else
	skip "git" "git is not installed"
fi

# =============================================================================
# npm, npx, node: npm install of local tarballs, offline; npx of a local bin;
# node running a script.  The "evil" package tries, from its postinstall
# script or its bin, what EVIL_WHAT says.
# =============================================================================
evil_js='
const fs = require("fs");
const what = process.env.EVIL_WHAT || process.argv[2];
const arg = process.env.EVIL_ARG || process.argv[3];
function fail(e) { console.error("evil: " + e.code + " " + e.message); process.exit(1); }
if (!what) {
  console.log("evil: nothing to do");
} else if (what === "connect") {
  const s = require("net").connect(+arg, "127.0.0.1");
  s.on("connect", () => { console.log("evil: connected"); process.exit(0); });
  s.on("error", fail);
} else {
  try {
    if (what === "write") fs.appendFileSync(arg, "pwned\n");
    else if (what === "read") process.stdout.write(fs.readFileSync(arg));
    console.log("evil: " + what + " " + arg + " worked");
  } catch (e) { fail(e); }
}
'
if have npm && have node; then
	mkdir -p "$T/outside/localpkg" "$T/outside/evilpkg"
	cd "$T/outside/localpkg" || exit 1
	echo '{"name":"localpkg","version":"1.0.0","main":"index.js","bin":{"localbin":"bin.js"}}' >package.json
	echo 'module.exports = 42' >index.js
	printf '#!/usr/bin/env node\nconsole.log("hello from localbin")\n' >bin.js
	chmod +x bin.js
	real npm pack -q >/dev/null 2>&1
	cd "$T/outside/evilpkg" || exit 1
	echo '{"name":"evilpkg","version":"1.0.0","bin":{"evil":"evil.js"},"scripts":{"postinstall":"node evil.js"}}' >package.json
	{ echo '#!/usr/bin/env node'; echo "$evil_js"; } >evil.js
	chmod +x evil.js
	real npm pack -q >/dev/null 2>&1
	cd "$p" || exit 1
	mkdir -p "$p/js" && cd "$p/js" || exit 1
	echo '{"name":"app","version":"1.0.0","private":true}' >package.json

	works "npm: install of a local tarball, offline (with ~/.npmrc unreadable)" \
		npm install --offline --foreground-scripts "$T/outside/localpkg/localpkg-1.0.0.tgz"
	works "npm: install of a package with a postinstall script" \
		npm install --offline --foreground-scripts "$T/outside/evilpkg/evilpkg-1.0.0.tgz"
	check_out "npm: the postinstall script ran" 'evil: nothing to do'
	works "npm: the cache is in ~/.npm" test -d "$HOME/.npm/_cacache"
	works "node: runs a script that loads the installed package" \
		node -e 'process.exit(require("localpkg") === 42 ? 0 : 1)'
	echo 'require("fs").writeFileSync("out.txt", "made by node\n"); require("fs").writeFileSync(require("path").join(require("os").tmpdir(), "node-tmp"), "x")' >script.js
	works "node: a script writes in the project and in TMPDIR" node script.js
	works "npx: runs a locally installed bin, offline" npx --offline localbin
	check_out "npx: the bin printed its greeting" 'hello from localbin'

	# evil WHAT ARG: $tool runs the evil package's code, which tries WHAT:
	# npm its postinstall script (npm rebuild runs it again), npx its bin,
	# node its file.
	evil() {
		case $tool in
		npm) env EVIL_WHAT="$1" EVIL_ARG="$2" npm rebuild --foreground-scripts evilpkg ;;
		npx) npx --offline evil "$1" "$2" ;;
		node) node node_modules/evilpkg/evil.js "$1" "$2" ;;
		esac
	}
	for tool in npm npx node; do
		refused "$tool: cannot append to ~/.bashrc" evil write "$HOME/.bashrc"
		refused "$tool: cannot write outside the project" evil write "$T/outside/$tool"
		refused "$tool: cannot read ~/.ssh/id_ed25519" evil read "$HOME/.ssh/id_ed25519"
		refused "$tool: cannot read ~/.npmrc" evil read "$HOME/.npmrc"
		net_refused "$tool: cannot connect to the loopback listener" evil connect "$port"
	done
	refused "npm: config set cannot write the user config" npm config set --location=user init-author-name=pwned
	net_refused "npm: cannot reach a loopback registry" \
		npm view localpkg --registry="http://127.0.0.1:$port/" --fetch-retries=0
	net_refused "npx: cannot fetch a package from a loopback registry" \
		npx --yes --registry="http://127.0.0.1:$port/" --fetch-retries=0 not-installed-pkg
	cd "$p" || exit 1
else
	skip "npm, npx, node" "npm or node is not installed"
fi

# =============================================================================
# python3, python, pip, pip3: a script; pip install --no-index of a local
# wheel, made here by hand (a zip file), into the project with --target.
# =============================================================================
evil_py='
import os, socket, sys
what, arg = sys.argv[1], sys.argv[2]
try:
    if what == "write":
        open(arg, "a").write("pwned\n")
    elif what == "read":
        sys.stdout.write(open(arg).read())
    elif what == "connect":
        socket.create_connection(("127.0.0.1", int(arg)), timeout=5)
    print("evil: %s %s worked" % (what, arg))
except OSError as e:
    sys.exit("evil: %s" % e)
'
make_wheel='
import base64, hashlib, sys, zipfile
files = {
    "localwheel/__init__.py": "VALUE = 42\n",
    "localwheel-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: localwheel\nVersion: 1.0\n",
    "localwheel-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
}
record = []
for name, text in files.items():
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
    record.append("%s,sha256=%s,%d" % (name, digest, len(text.encode())))
record.append("localwheel-1.0.dist-info/RECORD,,")
files["localwheel-1.0.dist-info/RECORD"] = "\n".join(record) + "\n"
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for name, text in files.items():
        z.writestr(name, text)
'
wheel="$T/outside/localwheel-1.0-py3-none-any.whl"
mkdir -p "$p/py"
if have python3; then
	real python3 -c "$make_wheel" "$wheel"
	cd "$p/py" || exit 1
	printf 'import tempfile\nopen("out.txt", "w").write("made by python\\n")\ntempfile.NamedTemporaryFile().write(b"x")\n' >script.py
	echo "$evil_py" >evil.py
fi
for py in python3 python; do
	if ! have $py; then
		skip "$py" "$py is not installed"
		continue
	fi
	cd "$p/py" || exit 1
	works "$py: runs a script that writes in the project and in TMPDIR" $py script.py
	works "$py: multiprocessing's lock (a semaphore in /dev/shm)" \
		$py -c 'import multiprocessing; multiprocessing.Lock()'
	if real $py -m pip --version >/dev/null 2>&1; then
		works "$py -m pip: install --no-index of a local wheel" \
			$py -m pip install -q --no-index --target "./site-$py" "$wheel"
		works "$py: the installed package loads" \
			env PYTHONPATH="site-$py" $py -c 'import localwheel; assert localwheel.VALUE == 42'
		refused "$py -m pip: cannot install into ~/.local (--user)" \
			$py -m pip install -q --no-index --user --break-system-packages "$wheel"
	else
		skip "$py -m pip" "pip is not installed for $py"
	fi
	refused "$py: cannot append to ~/.bashrc" $py evil.py write "$HOME/.bashrc"
	refused "$py: cannot write outside the project" $py evil.py write "$T/outside/$py"
	refused "$py: cannot read ~/.ssh/id_ed25519" $py evil.py read "$HOME/.ssh/id_ed25519"
	net_refused "$py: cannot connect to the loopback listener" $py evil.py connect "$port"
done
for pip in pip pip3; do
	if ! have $pip; then
		skip "$pip" "$pip is not installed"
		continue
	fi
	cd "$p/py" || exit 1
	works "$pip: install --no-index of a local wheel" \
		$pip install -q --no-index --target "./site-$pip" "$wheel"
	works "$pip: the package is in the project" test -f "site-$pip/localwheel/__init__.py"
	refused "$pip: cannot install into ~/.local (--user)" \
		$pip install -q --no-index --user --break-system-packages "$wheel"
	refused "$pip: config set cannot write ~/.config/pip" $pip config set --user global.timeout 1
	refused "$pip: cannot read ~/.ssh/id_ed25519 (as a requirements file)" \
		$pip install --no-index --target ./site-r -r "$HOME/.ssh/id_ed25519"
	net_refused "$pip: cannot reach a loopback index" \
		$pip download --no-cache-dir --retries 0 --timeout 5 \
		--index-url "http://127.0.0.1:$port/simple/" -d dl localwheel
done
cd "$p" || exit 1

# =============================================================================
# cargo: a crate without dependencies, one with a dependency from a local
# registry (unpacked into ~/.cargo/registry), offline, and one with a path
# dependency whose build script compiles C; rustc and cc run through their
# wrappers (cargo starts rustc, and rustc the linker cc, in a registry
# dependency's own directory, and a build script in its package's).  The
# "evil" crate's build script tries what EVIL_WHAT says.
# =============================================================================
evil_rs='
use std::io::Write;
fn main() {
    println!("cargo:rerun-if-env-changed=EVIL_WHAT");
    println!("cargo:rerun-if-env-changed=EVIL_ARG");
    let what = std::env::var("EVIL_WHAT").unwrap_or_default();
    let arg = std::env::var("EVIL_ARG").unwrap_or_default();
    let r = match what.as_str() {
        "write" => std::fs::OpenOptions::new().append(true).create(true).open(&arg)
            .and_then(|mut f| f.write_all(b"pwned\n")),
        "read" => std::fs::read(&arg).map(|_| ()),
        "connect" => std::net::TcpStream::connect(("127.0.0.1", arg.parse::<u16>().unwrap())).map(|_| ()),
        _ => Ok(()),
    };
    if let Err(e) = r { panic!("evil: {} {}: {:?} ({})", what, arg, e.kind(), e); }
}
'
# The build script of a path dependency: compiles hello.c with cc into
# OUT_DIR and links it; then tries, with cc, what EVIL_WHAT says.
cbuild_rs='
use std::process::Command;
fn cc(args: &[&str]) -> bool {
    Command::new("cc").args(args).status().map(|s| s.success()).unwrap_or(false)
}
fn main() {
    println!("cargo:rerun-if-changed=hello.c");
    println!("cargo:rerun-if-env-changed=EVIL_WHAT");
    println!("cargo:rerun-if-env-changed=EVIL_ARG");
    let out = std::env::var("OUT_DIR").unwrap();
    let obj = format!("{}/hello.o", out);
    if !cc(&["-c", "-fPIC", "hello.c", "-o", &obj]) {
        panic!("cdep: cc could not compile hello.c into {}", out);
    }
    let lib = format!("{}/libhello.a", out);
    if !Command::new("ar").args(["crs", &lib, &obj]).status().map(|s| s.success()).unwrap_or(false) {
        panic!("cdep: ar could not make {}", lib);
    }
    println!("cargo:rustc-link-search=native={}", out);
    println!("cargo:rustc-link-lib=static=hello");
    let what = std::env::var("EVIL_WHAT").unwrap_or_default();
    let arg = std::env::var("EVIL_ARG").unwrap_or_default();
    let steal = format!("{}/steal.o", out);
    let done = match what.as_str() {
        "write" => cc(&["-c", "hello.c", "-o", &arg]),
        "read" => cc(&["-c", "-include", &arg, "hello.c", "-o", &steal]),
        _ => true,
    };
    if !done {
        panic!("evil: cc could not {} {}", what, arg);
    }
}
'
if have cargo; then
	mkdir -p "$p/rs/tiny/src" "$p/rs/withdep/src" "$p/rs/withdep/.cargo" "$p/rs/evil/src" \
		"$T/outside/crates/dep-1.0.0/src" "$T/outside/registry/index/3/d"
	printf '[package]\nname = "tiny"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n' >"$p/rs/tiny/Cargo.toml"
	echo 'fn main() { println!("hello from tiny"); }' >"$p/rs/tiny/src/main.rs"
	# A local registry: an index and a .crate file, as `cargo local-registry` makes.
	printf '[package]\nname = "dep"\nversion = "1.0.0"\nedition = "2021"\nbuild = "build.rs"\n' \
		>"$T/outside/crates/dep-1.0.0/Cargo.toml"
	echo 'pub fn seven() -> i32 { 7 }' >"$T/outside/crates/dep-1.0.0/src/lib.rs"
	echo 'fn main() { println!("cargo:rerun-if-changed=build.rs"); }' >"$T/outside/crates/dep-1.0.0/build.rs"
	tar -C "$T/outside/crates" -czf "$T/outside/registry/dep-1.0.0.crate" dep-1.0.0
	sum=$(sha256sum "$T/outside/registry/dep-1.0.0.crate" | cut -d' ' -f1)
	echo "{\"name\":\"dep\",\"vers\":\"1.0.0\",\"deps\":[],\"cksum\":\"$sum\",\"features\":{},\"yanked\":false}" \
		>"$T/outside/registry/index/3/d/dep"
	printf '[package]\nname = "withdep"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ndep = "1.0"\n' >"$p/rs/withdep/Cargo.toml"
	echo 'fn main() { println!("dep says {}", dep::seven()); }' >"$p/rs/withdep/src/main.rs"
	printf '[source.crates-io]\nreplace-with = "local"\n\n[source.local]\nlocal-registry = "%s"\n' \
		"$T/outside/registry" >"$p/rs/withdep/.cargo/config.toml"
	printf '[package]\nname = "evil"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\n' >"$p/rs/evil/Cargo.toml"
	echo 'fn main() {}' >"$p/rs/evil/src/main.rs"
	echo "$evil_rs" >"$p/rs/evil/build.rs"

	cd "$p/rs/tiny" || exit 1
	works "cargo: build of a crate without dependencies, offline" cargo build -q --offline
	works "cargo: the program runs" ./target/debug/tiny
	refused "cargo: install cannot write ~/.cargo (bin, .crates.toml)" cargo install -q --offline --path .
	works "cargo: nothing was planted in ~/.cargo/bin" test ! -e "$HOME/.cargo/bin/tiny"
	cd "$p/rs/withdep" || exit 1
	works "cargo: build with a dependency (with a build script) from a local registry, offline" \
		cargo build -q --offline
	works "cargo: the dependency was unpacked in ~/.cargo/registry" \
		sh -c 'ls -d "$CARGO_HOME"/registry/src/*/dep-1.0.0'
	check "cargo: and the program runs" 0 ./target/debug/withdep
	check_out "cargo: with the dependency's answer" 'dep says 7'
	cd "$p/rs/evil" || exit 1
	works "cargo: a build script runs" cargo build -q --offline
	refused "cargo: a build script cannot append to ~/.bashrc" \
		env EVIL_WHAT=write EVIL_ARG="$HOME/.bashrc" cargo build -q --offline
	refused "cargo: a build script cannot write ~/.cargo/config.toml" \
		env EVIL_WHAT=write EVIL_ARG="$HOME/.cargo/config.toml" cargo build -q --offline
	refused "cargo: a build script cannot write outside the project" \
		env EVIL_WHAT=write EVIL_ARG="$T/outside/cargo" cargo build -q --offline
	refused "cargo: a build script cannot read ~/.ssh/id_ed25519" \
		env EVIL_WHAT=read EVIL_ARG="$HOME/.ssh/id_ed25519" cargo build -q --offline
	net_refused "cargo: a build script cannot connect to the loopback listener" \
		env EVIL_WHAT=connect EVIL_ARG="$port" cargo build -q --offline

	# A path dependency whose build script compiles C with cc itself (the
	# cc crate is not at hand offline): cargo runs the build script in the
	# dependency's directory, and the cc wrapper started there has the
	# crate's directory as ".", and writes OUT_DIR in target/.
	if have cc && have ar; then
		mkdir -p "$p/rs/withc/src" "$p/rs/withc/cdep/src"
		cd "$p/rs/withc" || exit 1
		printf '[package]\nname = "withc"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\ncdep = { path = "cdep" }\n' >Cargo.toml
		echo 'fn main() { cdep::hello(); }' >src/main.rs
		printf '[package]\nname = "cdep"\nversion = "0.1.0"\nedition = "2021"\nbuild = "build.rs"\nlinks = "hello"\n' >cdep/Cargo.toml
		printf 'extern "C" { fn hello_from_c(); }\npub fn hello() { unsafe { hello_from_c() } }\n' >cdep/src/lib.rs
		printf '#include <stdio.h>\nvoid hello_from_c(void) { puts("hello from C, built by build.rs"); }\n' >cdep/hello.c
		echo "$cbuild_rs" >cdep/build.rs
		check "cargo: rustc and cc run through their wrappers" 0 \
			sh -c '[ "$(command -v rustc)" = "$0/rustc" ] && [ "$(command -v cc)" = "$0/cc" ]' "$W"
		works "cargo: a path dependency whose build.rs compiles C with cc (rustc and cc wrapped)" \
			cargo build -q --offline
		check "cargo: the program runs" 0 ./target/debug/withc
		check_out "cargo: and prints what the C code says" '^hello from C, built by build\.rs$'
		works "cargo: the C object is in target/" sh -c 'ls target/debug/build/cdep-*/out/hello.o'
		refused_at "cargo: cc in a build.rs cannot write outside the project" "$T/outside/cargo-cc.o" \
			env EVIL_WHAT=write EVIL_ARG="$T/outside/cargo-cc.o" cargo build -q --offline
		refused_at "cargo: cc in a build.rs cannot #include ~/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519" \
			env EVIL_WHAT=read EVIL_ARG="$HOME/.ssh/id_ed25519" cargo build -q --offline
	else
		skip "cargo: a build.rs that compiles C" "cc or ar is not installed"
	fi
	cd "$p" || exit 1
else
	skip "cargo" "cargo is not installed, or not reachable by $(id -un) (rustup under /root)"
fi

# =============================================================================
# make: builds a C program (through the cc wrapper, inside make's policy)
# and a generated file; a recursive make whose subdirectory compiles with
# $(CC) and links into the project's bin/.
# =============================================================================
if have make && have cc; then
	mkdir -p "$p/mk" && cd "$p/mk" || exit 1
	printf 'int main(void) { return 0; }\n' >hello.c
	printf 'all: hello version.txt\nhello: hello.c\n\t$(CC) -o $@ hello.c\nversion.txt:\n\techo 1.0 > $@\n' >Makefile
	printf 'write:\n\techo pwned >> $(ARG)\nread:\n\tcat $(ARG)\nconnect:\n\t$(TRY) connect 127.0.0.1 $(ARG)\n' >evil.mk
	works "make: builds a C program and a file" make -s
	works "make: the program runs" ./hello
	refused "make: a recipe cannot append to ~/.bashrc" make -s -f evil.mk write ARG="$HOME/.bashrc"
	refused "make: a recipe cannot write outside the project" make -s -f evil.mk write ARG="$T/outside/make"
	refused "make: a recipe cannot read ~/.ssh/id_ed25519" make -s -f evil.mk read ARG="$HOME/.ssh/id_ed25519"
	net_refused "make: a recipe cannot connect to the loopback listener" \
		make -s -f evil.mk connect TRY="$TRY" ARG="$port"

	# $(MAKE) -C sub runs the real make (make sets $(MAKE) to its own
	# path), "make -C sub" by name the make wrapper again; either way cc,
	# and the linker cc runs, start in sub/ and write ../bin as well.
	mkdir -p "$p/mk/rec/sub" && cd "$p/mk/rec" || exit 1
	printf 'all:\n\t$(MAKE) -C sub\nby-name:\n\tmake -C sub\nevil-write evil-read:\n\t$(MAKE) -C sub $@ ARG=$(ARG)\nclean:\n\t$(MAKE) -C sub clean\n' >Makefile
	printf '../bin/hello: main.o greet.o\n\tmkdir -p ../bin\n\t$(CC) -o $@ main.o greet.o\n%%.o: %%.c\n\t$(CC) -c -o $@ $<\n' >sub/Makefile
	printf 'evil-write: ../bin/hello\n\t$(CC) -c -o $(ARG) greet.c\nevil-read: ../bin/hello\n\t$(CC) -c -include $(ARG) -o steal.o greet.c\nclean:\n\trm -rf *.o ../bin\n' >>sub/Makefile
	printf '#include <stdio.h>\nvoid greet(void) { puts("hello from sub"); }\n' >sub/greet.c
	printf 'void greet(void);\nint main(void) { greet(); return 0; }\n' >sub/main.c
	check "make: cc runs through its wrapper" 0 sh -c '[ "$(command -v cc)" = "$0/cc" ]' "$W"
	works "make: a recursive \$(MAKE) -C sub compiles with \$(CC) (make and cc wrapped)" make -s
	works "make: the objects are in sub/" test -f sub/main.o -a -f sub/greet.o
	check "make: the program sub/ linked into bin/ runs" 0 ./bin/hello
	check_out "make: and prints what sub/ says" '^hello from sub$'
	works "make: clean" make -s clean
	works "make: a recipe that runs \"make -C sub\" by name (the make wrapper again)" make -s by-name
	check "make: by name too, the program is in bin/" 0 ./bin/hello
	refused_at "make: cc in sub/ cannot write outside the project" "$T/outside/make-cc.o" \
		make -s evil-write ARG="$T/outside/make-cc.o"
	refused_at "make: cc in sub/ cannot #include ~/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519" \
		make -s evil-read ARG="$HOME/.ssh/id_ed25519"
	cd "$p" || exit 1
else
	skip "make" "make or cc is not installed"
fi

# =============================================================================
# cmake: an out-of-tree build whose executable, defined in a subdirectory,
# goes to build/bin: the compiler and linker start in build/app and write
# build/bin.  A custom target tries, with the compiler, what EVIL_* say.
# =============================================================================
if have cmake && have cc; then
	mkdir -p "$p/cm/app" && cd "$p/cm" || exit 1
	printf 'cmake_minimum_required(VERSION 3.13)\nproject(cm C)\nset(CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin)\nadd_subdirectory(app)\n' >CMakeLists.txt
	cat >app/CMakeLists.txt <<'CMAKE'
add_library(greet STATIC greet.c)
add_executable(hello main.c)
target_link_libraries(hello greet)
if(EVIL_WRITE)
  add_custom_target(evil ALL COMMAND ${CMAKE_C_COMPILER} -c ${CMAKE_CURRENT_SOURCE_DIR}/greet.c -o ${EVIL_WRITE})
  add_dependencies(evil hello)
endif()
if(EVIL_READ)
  add_custom_target(evil ALL COMMAND ${CMAKE_C_COMPILER} -c -include ${EVIL_READ} ${CMAKE_CURRENT_SOURCE_DIR}/greet.c -o steal.o)
  add_dependencies(evil hello)
endif()
CMAKE
	printf '#include <stdio.h>\nvoid greet(void) { puts("hello from cmake"); }\n' >app/greet.c
	printf 'void greet(void);\nint main(void) { greet(); return 0; }\n' >app/main.c
	check "cmake: cmake, make and cc run through their wrappers" 0 \
		sh -c 'for t in cmake make cc; do [ "$(command -v $t)" = "$0/$t" ] || exit 1; done' "$W"
	works "cmake: configures out of tree (cmake -S . -B build)" cmake -S . -B build
	check "cmake: and found the cc wrapper as the C compiler" 0 \
		grep -qx "CMAKE_C_COMPILER:FILEPATH=$W/cc" build/CMakeCache.txt
	works "cmake: builds (cmake --build build)" cmake --build build
	check "cmake: the program in build/bin runs" 0 ./build/bin/hello
	check_out "cmake: and prints what the C code says" '^hello from cmake$'
	works "cmake: configures a build whose custom target writes outside" \
		cmake -S . -B build-w -DEVIL_WRITE="$T/outside/cmake-cc.o"
	refused_at "cmake: a custom command cannot write outside the project" "$T/outside/cmake-cc.o" \
		cmake --build build-w
	works "cmake: configures a build whose custom target reads ~/.ssh" \
		cmake -S . -B build-r -DEVIL_READ="$HOME/.ssh/id_ed25519"
	refused_at "cmake: a custom command cannot #include ~/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519" \
		cmake --build build-r
	cd "$p" || exit 1
elif have cc; then
	skip "cmake" "cmake is not installed"
else
	skip "cmake" "cc is not installed"
fi

# =============================================================================
# sh, bash: scripts; and bash as the agent's shell, with wrapped tools
# inside it.
# =============================================================================
mkdir -p "$p/sh"
printf 'echo made by $0 > out-$1.txt\nf=$(mktemp)\necho x > "$f" && rm "$f"\n' >"$p/sh/script.sh"
for shell in sh bash; do
	if ! have $shell; then
		skip "$shell" "$shell is not installed"
		continue
	fi
	cd "$p/sh" || exit 1
	works "$shell: runs a script that writes in the project and in TMPDIR" $shell script.sh $shell
	works "$shell: the file is there" test -f "out-$shell.txt"
	refused "$shell: cannot append to ~/.bashrc" $shell -c 'echo pwned >> "$HOME/.bashrc"'
	refused "$shell: cannot write outside the project" $shell -c 'echo pwned > "$1"' $shell "$T/outside/$shell"
	refused "$shell: cannot read ~/.ssh/id_ed25519" $shell -c 'cat "$HOME/.ssh/id_ed25519"'
	net_refused "$shell: a program it runs cannot connect to the loopback listener" \
		$shell -c '"$1" connect 127.0.0.1 "$2"' $shell "$TRY" "$port"
done
if have bash; then
	net_refused "bash: /dev/tcp cannot connect to the loopback listener" \
		bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' bash "$port"
	# An agent that runs everything through `bash -c`: the tools inside
	# get the intersection of bash's policy and their own.
	if have npm && have node && [ -f "$T/outside/localpkg/localpkg-1.0.0.tgz" ]; then
		mkdir -p "$p/agent" && cd "$p/agent" || exit 1
		echo '{"name":"agent-app","version":"1.0.0","private":true}' >package.json
		works "bash -c: npm install inside the wrapped shell" \
			bash -c 'npm install -q --offline "$1" && node -e "require(\"localpkg\")"' bash \
			"$T/outside/localpkg/localpkg-1.0.0.tgz"
		refused "bash -c: node inside the wrapped shell cannot append to ~/.bashrc" \
			bash -c 'node -e "require(\"fs\").appendFileSync(process.argv[1], \"x\")" "$HOME/.bashrc"'
		cd "$p" || exit 1
	fi
	if have git; then
		cd "$p/repo" 2>/dev/null || cd "$p" || exit 1
		refused "bash -c: git inside the wrapped shell cannot write ~/.gitconfig" \
			bash -c 'git config --global user.name pwned'
		cd "$p" || exit 1
	fi
fi

# =============================================================================
# The compilers and the linker, called directly through their wrappers: a
# program in the project, nothing outside it, no ~/.ssh.  gcc finds cc1
# from argv[0], which the wrapper sets to the real path.
# =============================================================================
mkdir -p "$p/c" && cd "$p/c" || exit 1
printf 'int main(void) { return 0; }\n' >hello.c
printf '#include "%s"\nint main(void) { return 0; }\n' "$HOME/.ssh/id_ed25519" >steal.c
for name in cc gcc clang c++ g++ clang++; do
	if ! have $name; then
		skip "$name" "$name is not installed"
		continue
	fi
	case $name in *++) lang=(-x c++) ;; *) lang=() ;; esac
	check "$name: runs through the wrapper" 0 sh -c '[ "$(command -v "$1")" = "$0/$1" ]' "$W" $name
	works "$name: compiles a program in the project" $name "${lang[@]}" -o "hello-$name" hello.c
	works "$name: the program runs" "./hello-$name"
	refused "$name: cannot write outside the project" $name "${lang[@]}" -o "$T/outside/hello" hello.c
	refused "$name: cannot #include ~/.ssh/id_ed25519" $name "${lang[@]}" -c -o steal.o steal.c
done
if have cc && have ld; then
	real cc -c -o hello.o hello.c
	check "ld: runs through the wrapper" 0 sh -c '[ "$(command -v ld)" = "$0/ld" ]' "$W"
	works "ld: links in the project" ld -r -o ld-out.o hello.o
	refused "ld: cannot write outside the project" ld -r -o "$T/outside/ld-out.o" hello.o
else
	skip "ld" "cc or ld is not installed"
fi
if have rustc; then
	echo 'fn main() { println!("hello from rustc"); }' >hello.rs
	printf 'const K: &str = include_str!("%s");\nfn main() { println!("{}", K.len()); }\n' "$HOME/.ssh/id_ed25519" >steal.rs
	check "rustc: runs through the wrapper" 0 sh -c '[ "$(command -v rustc)" = "$0/rustc" ]' "$W"
	works "rustc: compiles a program in the project" rustc hello.rs
	check "rustc: the program runs" 0 ./hello
	check_out "rustc: and greets" '^hello from rustc$'
	refused "rustc: cannot write outside the project" rustc -o "$T/outside/rustc-out" hello.rs
	refused "rustc: cannot include_str! ~/.ssh/id_ed25519" rustc steal.rs
else
	skip "rustc" "rustc is not installed, or not reachable by $(id -un) (rustup under /root)"
fi
# Under another tool's profile, in explicit mode, as a tool with no wrapper
# of its own would run.
if have cc; then
	works "cc: compiles under make's profile (explicit mode, -p make)" "$LS" -p make -- cc -o hello hello.c
	refused "cc: under make's profile, cannot write outside the project" \
		"$LS" -p make -- cc -o "$T/outside/hello" hello.c
	refused "cc: under make's profile, cannot #include ~/.ssh/id_ed25519" \
		"$LS" -p make -- cc -c -o steal.o steal.c
fi
cd "$p" || exit 1

# Python takes sys.executable from argv[0]: a venv made through the wrapper
# must point at the real interpreter, not at the wrapper (which would tie
# it to the wrapper set, and run its bin/python through a "python" wrapper).
if have python3 && real python3 -c 'import venv' >/dev/null 2>&1; then
	cd "$p/py" || exit 1
	works "python3: -m venv through the wrapper" python3 -m venv --without-pip .venv
	check "python3: the venv's python3 is the real interpreter, not the wrapper" 0 \
		sh -c '[ "$(readlink -f .venv/bin/python3)" != "$(readlink -f "$0")" ]' "$LS"
	works "python3: the venv's bin/python runs, inside the venv" \
		.venv/bin/python -c 'import sys; assert sys.prefix != sys.base_prefix'
	cd "$p" || exit 1
else
	skip "python3 -m venv" "python3 or its venv module is not installed"
fi

# =============================================================================
# Nothing escaped.
# =============================================================================
check "~/.bashrc is unchanged" 0 sh -c '[ "$(cksum <"$HOME/.bashrc")" = "$0" ]' "$bashrc_sum"
check "~/.gitconfig is unchanged" 0 sh -c '[ "$(cksum <"$HOME/.gitconfig")" = "$0" ]' "$gitconfig_sum"
check "nothing was written in \$T/outside" 0 sh -c \
	'! ls "$0" | grep -Eqx "git|npm|npx|node|python3?|pip3?|cargo|make|sh|bash|planted|hello|(cargo|make|cmake)-cc\.o|ld-out\.o|rustc-out"' "$T/outside"
check "nothing was planted in ~/.local or ~/.cargo/bin" 0 sh -c \
	'[ ! -e "$HOME/.local/lib" ] && [ ! -e "$HOME/.cargo/bin" ]'

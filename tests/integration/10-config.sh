#!/bin/bash
# Bad input gets one clear line naming file:line, exit status 1, and the tool
# never runs (THREATS.md #14).  Each case is attacked through the real shim.
. "$(dirname "$0")/../lib/tap.sh"

marker="$T/outside/ran"
bad_config() { # desc, expected stderr regex; INI on stdin
	local desc=$1 want=$2
	write_config
	rm -f "$marker"
	check "$desc: refused with status 1" 1 "$LS" -- "$TRY" write "$marker"
	check_err "$desc: message names the line" "$want"
	if [ -e "$marker" ]; then
		_tap_result "not ok" "$desc: tool did not run"
	else
		_tap_result ok "$desc: tool did not run"
	fi
}

bad_config "typo in a key" 'config.ini:3: unknown key .denyRaed. in \[sandbox\] \(did you mean .denyRead.\?\)' <<'INI'
[sandbox]
allowWrite = .
denyRaed = ~/.ssh
INI

bad_config "unknown section" 'config.ini:1: unknown section \[sanbox\]' <<'INI'
[sanbox]
allowWrite = .
INI

bad_config "key outside a section" 'config.ini:1: key outside a section' <<'INI'
allowWrite = .
[sandbox]
INI

bad_config "indented continuation line" 'config.ini:3: indented line' <<'INI'
[sandbox]
allowWrite = .
  /etc
INI

bad_config "bad boolean" 'config.ini:2: allowNetwork = maybe: expected true' <<'INI'
[sandbox]
allowNetwork = maybe
INI

bad_config "port out of range" 'config.ini:2: httpProxyPort = 70000' <<'INI'
[sandbox]
httpProxyPort = 70000
INI

bad_config "~user path" "config.ini:2: allowWrite = ~root: '~user' paths" <<'INI'
[sandbox]
allowWrite = ~root
INI

bad_config "domain filtering" 'config.ini:2: allowedDomains: domain filtering is not supported' <<'INI'
[sandbox]
allowedDomains = example.com
INI

bad_config "colon separator" "config.ini:2: use '=' between key and value" <<'INI'
[sandbox]
allowWrite: /etc
INI

bad_config "quoted value" 'config.ini:2: quoted value' <<'INI'
[sandbox]
allowWrite = "/tmp"
INI

bad_config "hash comment after value" "config.ini:2: '#' starts a comment" <<'INI'
[sandbox]
allowWrite = . # the project
INI

bad_config "program in [sandbox]" "config.ini:2: program: 'program' belongs in a \[tool.NAME\]" <<'INI'
[sandbox]
program = /bin/true
INI

bad_config "error on the last line" 'config.ini:4: unknown key .nope.' <<'INI'
[sandbox]
allowWrite = /
allowNetwork = true
nope = 1
INI

# libinih splits an over-long line and parses the tail as a new key while
# returning success: a 5000-byte line must be refused, not half-read.
{ echo "[sandbox]"; printf 'denyRead = /%05000d\n' 0; } | bad_config "over-long line" 'config.ini:2: line too long'

# A NUL byte makes libinih see an empty value.
printf '[sandbox]\nallowWrite = /tmp\0/etc\n' | bad_config "NUL byte" 'config.ini:2: NUL byte'

# An unknown key in another tool's section is still an error: a typo must
# never silently drop a rule, whichever tool runs.
bad_config "typo in another tool's section" 'config.ini:4: unknown key .alowWrite.' <<'INI'
[sandbox]
allowWrite = .
[tool.npm]
alowWrite = ~/.npm
INI

# allowLocalBinding and allowUnixSockets are enforced by landstrip-supervisor
# (found beside the shim): the tool runs.  Without a supervisor to be found
# the shim fails closed and says what is missing.
supported_config() { # desc; INI on stdin
	# Such a policy is mediated: per-tool here (tests/lib/tap.sh).
	needs_per_tool "$1: the tool runs" || return
	write_config
	rm -f "$marker"
	check "$1: the tool runs" 0 "$LS" -- "$TRY" write "$marker"
	test -e "$marker" && _tap_result ok "$1: the tool ran" ||
		_tap_result "not ok" "$1: the tool ran"
}
mkdir -p "$T/solo"
cp "$LS" "$T/solo/landstrip-exec"
no_supervisor() { # desc; INI on stdin
	write_config
	rm -f "$marker"
	if [ -e /usr/local/libexec/landstrip/landstrip-supervisor ]; then
		skip "$1 without a supervisor" "one is installed in /usr/local/libexec/landstrip"
		return
	fi
	check "$1 without a supervisor: refused with status 1" 1 \
		"$T/solo/landstrip-exec" -- "$TRY" write "$marker"
	test -e "$marker" && _tap_result "not ok" "$1 without a supervisor: tool did not run" ||
		_tap_result ok "$1 without a supervisor: tool did not run"
}

supported_config "allowLocalBinding = true" <<INI
[sandbox]
allowWrite = $T/outside
allowLocalBinding = true
INI
no_supervisor "allowLocalBinding = true" <<INI
[sandbox]
allowWrite = $T/outside
allowLocalBinding = true
INI
# As --check says it (below): where it looked and what to do.
[ -e /usr/local/libexec/landstrip/landstrip-supervisor ] ||
	check_err "the message says it is not installed and where it looked" \
		'landstrip-supervisor, which is not installed \(looked for .*/solo/landstrip-supervisor'
supported_config "allowUnixSockets" <<INI
[sandbox]
allowWrite = $T/outside
allowUnixSockets = /run/docker.sock
INI
no_supervisor "allowUnixSockets" <<INI
[sandbox]
allowWrite = $T/outside
allowUnixSockets = /run/docker.sock
INI

# Explicit config files must exist; the default location falls back.
unset LANDSTRIP_CONFIG
check "-c with a missing file is an error" 1 "$LS" -c "$T/nope.ini" -- true
check_err "the message names the file" "$T/nope.ini: cannot open config"
LANDSTRIP_CONFIG="$T/nope.ini" check "LANDSTRIP_CONFIG naming a missing file is an error" 1 "$LS" -- true
check "no config anywhere: embedded default applies" 0 "$LS" --check
check_out "--check says where the policy came from" '^config: <embedded default> \(no config file at the default locations\)'

mkdir -p "$HOME/.config/landstrip"
printf '[sandbox]\nallowWrite = .\ndenyRead = %s\n' "$T/outside" >"$HOME/.config/landstrip/config.ini"
check "default location is used" 0 "$LS" --check
check_out "--check names the default file" "^config: $HOME/.config/landstrip/config.ini"
mkdir -p "$T/xdg/landstrip"
printf '[sandbox]\nallowWrite = /tmp\n' >"$T/xdg/landstrip/config.ini"
XDG_CONFIG_HOME="$T/xdg" check "XDG_CONFIG_HOME comes first" 0 "$LS" --check
check_out "--check names the XDG file" "^config: $T/xdg/landstrip/config.ini"
chmod 000 "$HOME/.config/landstrip/config.ini"
if [ "$(id -u)" != 0 ]; then
	check "an unreadable default config is an error, not a fallback" 1 "$LS" -- true
else
	skip "an unreadable default config is an error" "root reads anything"
fi
rm -rf "$HOME/.config/landstrip"

# --check prints the source line of each entry.
write_config <<'INI'
[sandbox]
allowWrite = .
httpProxyPort = 3128
[tool.npm]
allowWrite = ~/.npm
INI
mkdir -p "$HOME/.npm"
check "--check -p npm" 0 "$LS" --check -p npm
check_out "--check shows the tool's root and its line" "$HOME/.npm +write .*config.ini:5"
check_out "--check shows the proxy port and its line" 'TCP connect: port 3128 .*config.ini:3'
check_out "--check shows the merged policy" 'policy: \[sandbox\] \+ \[tool.npm\]'

# --check shows a policy it cannot enforce here (it needs
# landstrip-supervisor, and there is none beside this copy of the shim),
# then fails and says why.  Beside the supervisor the same policy passes.
write_config <<'INI'
[sandbox]
allowWrite = .
allowLocalBinding = true
INI
check "--check of a mediated policy with the supervisor beside the shim" 0 "$LS" --check
if [ -e /usr/local/libexec/landstrip/landstrip-supervisor ]; then
	skip "--check of an unenforceable policy" "a supervisor is installed in /usr/local/libexec/landstrip"
else
	check "--check of an unenforceable policy fails" 1 "$T/solo/landstrip-exec" --check
	check_out "--check still prints the policy" '^policy: \[sandbox\]'
	check_err "--check says why it cannot be enforced" 'cannot enforce: .*landstrip-supervisor'
fi

# "key = ; note" is an empty assignment (as libinih reads it): it clears.
mkdir -p "$T/w1"
write_config <<INI
[sandbox]
allowWrite = $T/w1
allowWrite = ; start over
allowWrite = .
INI
check "an empty assignment with a comment" 0 "$LS" --check
if grep -q "^  $T/w1 " "$T/out"; then _tap_result "not ok" "'allowWrite = ; note' cleared the list"
else _tap_result ok "'allowWrite = ; note' cleared the list"; fi

# Patterns: allowRead takes none (reads are Landlock's alone), and a '**'
# inside a component is refused, each with file:line.
write_config <<INI
[sandbox]
allowWrite = .
denyRead = ~/.ssh
allowRead = ~/.ssh/*.pub
INI
check "allowRead with a pattern is refused" 1 "$LS" -- true
check_err "naming the line" 'config.ini:4: allowRead does not take patterns'
write_config <<INI
[sandbox]
allowWrite = .
denyWrite = src/a**b
INI
check "a '**' inside a component is refused" 1 "$LS" -- true
check_err "naming the line" "config.ini:3: '\\*\\*' must be a whole path component"

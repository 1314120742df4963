#!/bin/bash
# The snapshot inside mediated roots again, in session mode: there a run asks the supervisor's
# ruleset cache before it scans for the protected set, and scans (with the
# walk, watched together) only on a miss (shim/main.c).  Every check of
# 84-snapshot.sh, with every shim registering with one session supervisor.
exec "$(dirname "$LS")/landstrip-supervisor" --no-wrappers -- bash "$(dirname "$0")/84-snapshot.sh" "$@"

# shellcheck shell=sh
# Hostile input: the XML corpus, tampered state, unsafe overrides (its own script).
# A script that stops half-way must not pass for fewer cases.
sh "$here/hostile.sh" "$build" || fail hostile-script-finished "tests/integration/hostile.sh exited $?"

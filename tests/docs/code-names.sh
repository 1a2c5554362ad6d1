# shellcheck shell=sh
# What the code knows, one name a line, read from the sources of the repository in $1 (the
# binary cannot list them). Shared by check-conf.sh and check-reference.sh.

# The keys src/input/config.c parses.
code_config_keys() {
	grep -o 'streq(key, "[a-z_]*")' "$1/src/input/config.c" | sed 's/.*"\(.*\)")/\1/'
}

# The description flags of src/input/vm-flags.c.
code_vm_flags() {
	sed -n '/vm_flag_table\[/,/^};/p' "$1/src/input/vm-flags.c" | grep -o '"--[a-z0-9-]*"' | tr -d '"'
}

# The stages, named as src/input/stage-id.c names them, in the order src/stages/stages.c's table runs them.
code_stages() {
	sed -n '/stage_order\[/,/^};/p' "$1/src/stages/stages.c" | grep -o '{ STAGE_[A-Z_]*' | cut -c3- |
		while read -r id; do
			sed -n "s/^\t\[$id\] = \"\([a-z-]*\)\",.*/\1/p" "$1/src/input/stage-id.c"
		done
}

# What an override executable's name starts with before the stage: "before-", "after-".
code_hook_prefixes() {
	grep -o 'startswith(name, "[a-z]*-")' "$1/src/input/overrides.c" | sed 's/.*"\(.*\)")/\1/'
}

# The VERBS and OPTIONS entries of docs/man/vfio-hook.8.md, for what must say the same:
#   awk -v what=help -f md-entries.awk vfio-hook.8.md   a C header: the verbs and options of --help
#   awk -v what=words -f md-entries.awk vfio-hook.8.md  a shell function the completions ask for words
# An entry is a term line and definitions (":   text", indented continuation lines); its first
# definition is its --help text, the others are the man page's alone.

# Markdown to plain text: **bold**, *italic*, `code` and backslash escapes go.
function plain(s,    out, c, i) {
	gsub(/\*\*/, "", s)
	gsub(/\*/, "", s)
	gsub(/`/, "", s)
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\" && i < length(s)) {
			i++
			c = substr(s, i, 1)
		}
		out = out c
	}
	return out
}

function c_string(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\t\"" s "\\n\" \\"
}

function emit(s) {
	print c_string(s)
}

# The term at `indent`, the text from column 25, wrapped to 80 columns.
function help_entry(term, text, indent,    line, n, w, i, col) {
	line = sprintf("%" indent "s%s", "", term)
	if (length(line) > 24) {
		emit(line)
		line = ""
	}
	line = sprintf("%-25s", line)
	col = 25
	n = split(text, w, " ")
	for (i = 1; i <= n; i++) {
		if (col > 25 && col + 1 + length(w[i]) > 80) {
			emit(line)
			line = sprintf("%25s", "")
			col = 25
		}
		line = line (col > 25 ? " " : "") w[i]
		col += (col > 25 ? 1 : 0) + length(w[i])
	}
	emit(line)
}

/^# / {
	section = $2
	next
}

section != "VERBS" && section != "OPTIONS" { next }

/^:   / {
	para++
	if (para == 1)
		text[n] = substr($0, 5)
	next
}

/^    / {
	if (para == 1)
		text[n] = text[n] " " substr($0, 5)
	next
}

/^$/ { next }

{
	n++
	kind[n] = section
	term[n] = plain($0)
	para = 0
}

# help_section(TITLE, SECTION): the --help lines of every entry of the man page's SECTION, the
# entry's first paragraph without its closing period; "-h, --help" is shown as "-h --help".
function help_section(title, section,    i, t, o) {
	emit(title ":")
	for (i = 1; i <= n; i++) {
		if (kind[i] != section)
			continue
		t = text[i]
		sub(/ +$/, "", t)
		sub(/\.$/, "", t)
		o = term[i]
		if (section == "OPTIONS")
			gsub(/,/, "", o)
		help_entry(o, plain(t), o ~ /^--/ ? 5 : 2)
	}
}

END {
	if (what == "help") {
		print "/* Generated from docs/man/vfio-hook.8.md by docs/man/md-entries.awk: edit those. */"
		print "#define HELP_VERBS_AND_OPTIONS \\"
		help_section("Verbs", "VERBS")
		emit("")
		help_section("Options", "OPTIONS")
		print "\t\"\""
		exit
	}
	if (what != "words") {
		print "md-entries.awk: what=help or what=words" > "/dev/stderr"
		exit 2
	}
	# Options of the OPTIONS entries; those that take an argument; those no verb names.
	for (i = 1; i <= n; i++) {
		m = split(term[i], w, /[ ,]+/)
		if (kind[i] == "VERBS") {
			verbs = verbs " " w[1]
			opts = ""
			for (j = 2; j <= m; j++) {
				o = w[j]
				gsub(/[][|]/, "", o)
				if (o ~ /^-[-a-z]/ && o != "--") {
					opts = opts " " o
					named[o] = 1
				}
			}
			verb_opts[w[1]] = substr(opts, 2)
			continue
		}
		for (j = 1; j <= m; j++) {
			o = w[j]
			if (o !~ /^-/)
				continue
			if (o ~ /\[=/) {
				sub(/\[=.*/, "", o)
				optional_arg = optional_arg " " o
			} else if (j < m && w[j + 1] ~ /^[A-Z]+$/)
				with_arg = with_arg " " o
			options = options " " o
			option[++n_options] = o
		}
	}
	for (i = 1; i <= n_options; i++)
		if (!(option[i] in named))
			common = common " " option[i]
	print "# Generated from docs/man/vfio-hook.8.md by docs/man/md-entries.awk: edit those."
	print "_vfio_hook_words() {"
	print "\tcase $1 in"
	print "\tverbs) REPLY='" substr(verbs, 2) "' ;;"
	print "\toptions) REPLY='" substr(options, 2) "' ;;"
	print "\tcommon) REPLY='" substr(common, 2) "' ;;"
	print "\twith-argument) REPLY='" substr(with_arg, 2) "' ;;"
	print "\toptional-argument) REPLY='" substr(optional_arg, 2) "' ;;"
	m = split(substr(verbs, 2), w, " ")
	for (j = 1; j <= m; j++)
		print "\tverb-" w[j] ") REPLY='" verb_opts[w[j]] "' ;;"
	print "\t*) REPLY= ;;"
	print "\tesac"
	print "}"
}

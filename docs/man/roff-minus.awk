# go-md2man writes every "-" as a roff hyphen; what a reader types (options, commands, paths and
# placeholders: the bold, italic, code and example text) wants "\-", the minus that man renders
# and searches as ASCII "-", and where a line never breaks.
# Outside those, a "-" that starts an option ("--json", "-h") or stands alone (" - ") is one too.
function minus_for_typed(s,    out, i, c, prev, literal, f, n) {
	out = ""
	literal = in_example
	prev = " "
	n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c == "\\" && i < n) {
			f = substr(s, i + 1, 1)
			if (f == "f" && i + 2 <= n) {
				f = substr(s, i + 2, 1)
				if (f == "B" || f == "C" || f == "I")
					literal = 1
				else if (!in_example && (f == "P" || f == "R"))
					literal = 0
				out = out substr(s, i, 3)
				i += 2
			} else {
				out = out c f
				i++
			}
			prev = f
			continue
		}
		if (c == "-" && (literal || prev ~ /[ [(|=-]/ || prev == "" )) {
			if (literal || substr(s, i + 1, 1) ~ /[-a-zA-Z ]/ || i == n) {
				out = out "\\-"
				prev = "-"
				continue
			}
		}
		out = out c
		prev = c
	}
	return out
}

# .TH turns hyphenation back on: paths and option names must not break at a hyphen.
/^\.TH / { print; print ".nh"; next }
/^\.(EX|nf)/ { in_example = 1; print; next }
/^\.(EE|fi)/ { in_example = 0; print; next }
/^\./ { print; next }
{ print minus_for_typed($0) }

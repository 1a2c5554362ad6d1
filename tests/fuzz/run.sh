#!/bin/sh
# libFuzzer runs of the parsers: domain XML, description flags, config text, journal.
#   run.sh probe                     can $FUZZ_CC link libFuzzer? (exit 1, and why, if not)
#   run.sh smoke [--build DIR] [--runs N] [TARGET...]
#                                    a short deterministic run per target from the seeds,
#                                    one "PASS fuzz.T" / "FAIL fuzz.T" line each
#   run.sh long [--build DIR] [--runs N] [--jobs J] [TARGET...]
#                                    N executions per target, J at once, growing the corpus
#                                    in DIR/corpus/T, then a summary table (DIR/fuzz-summary.txt)
#   run.sh summary [--build DIR] [TARGET...]
#                                    that table again, from the last long run of each target
# Targets: domain journal vm-flags config, and domain-large, the domain target on documents of
# hundreds of KiB (up to 1 MiB): $FUZZ_LARGE_RUNS executions (20,000) in a long run, 1% of N
# in a smoke run.
# Seeds come from the repository (domain fixtures, hostile XML, their descriptions, the example
# configuration) and from tests/fuzz/corpus/T/, which also keeps every input that once found a
# bug. Inputs that crash, leak or time out land in DIR/.../artifacts/T/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cc=${FUZZ_CC:-clang}
mode=${1:-smoke}
[ $# -gt 0 ] && shift
build=build-fuzz
runs=
jobs=1
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	*) break ;;
	esac
done
# Slowest first: a long run pairs them.
[ $# -gt 0 ] || set -- domain journal vm-flags config domain-large

probe() {
	tmp=$(mktemp -d) || return 1
	printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
		'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }' \
		> "$tmp/probe.c"
	if "$cc" -fsanitize=fuzzer,address,undefined -o "$tmp/probe" "$tmp/probe.c" \
		> "$tmp/err" 2>&1; then
		rm -rf "$tmp"
		return 0
	fi
	echo "$cc cannot link -fsanitize=fuzzer,address,undefined ($(head -n 1 "$tmp/err")):" \
		"install clang and its libFuzzer/sanitizer runtimes (Debian: clang libclang-rt-dev;" \
		"Fedora: clang compiler-rt), e.g. with tests/deps.sh test"
	rm -rf "$tmp"
	return 1
}

# Largest input each target sees: the domain parser must meet big documents too (libvirt
# allows 4 MiB), up to 1 MiB; the journal a little past its 256 KiB cap; descriptions 64 KiB;
# configs 16 KiB. Smoke runs stay small, but for domain-large.
max_len() {
	case $1/$mode in
	domain/long | domain-large/*) echo 1048576 ;;
	journal/long) echo 266240 ;;
	config/long) echo 16384 ;; # hundreds of lines: real files have tens
	*/long) echo 65536 ;;
	domain/*) echo 65536 ;;
	*) echo 4096 ;;
	esac
}

# Seed corpus of target $1, assembled into directory $2.
seeds() {
	rm -rf "$2" && mkdir -p "$2"
	case $1 in
	domain)
		for f in "$top"/tests/fixtures/domains/*/*.xml "$top"/tests/corpus/*.xml; do
			[ -f "$f" ] && cp "$f" "$2/$(basename "$(dirname "$f")")-$(basename "$f")"
		done
		;;
	domain-large)
		# Big documents: every execution on one costs milliseconds, so they get a run of their
		# own instead of slowing the domain run down. A thousand PCI devices and CPU pins:
		awk 'BEGIN {
			print "<domain type=\"kvm\"><name>devices</name>"
			print "<uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000fe</uuid><description>"
			for (i = 0; i < 500; i++)
				printf "line %d internal_services[ svc%d ]\n", i, i
			print "args[ --debug --pin-cpu-cores ]</description><devices>"
			for (i = 0; i < 1200; i++)
				printf "<hostdev mode=\"subsystem\" type=\"pci\" managed=\"yes\"><source>" \
					"<address domain=\"0x%04x\" bus=\"0x%02x\" slot=\"0x%02x\" " \
					"function=\"0x%x\"/></source></hostdev>\n", i % 3, i % 256, i % 32, i % 8
			print "</devices><cputune>"
			for (i = 0; i < 256; i++)
				printf "<vcpupin vcpu=\"%d\" cpuset=\"%d-%d,^%d\"/>\n", i, i, i + 8, i + 1
			print "</cputune></domain>"
		}' > "$2/devices.xml"
		# Near the 64 KiB description cap, long comments, a thousand elements we skip:
		awk 'BEGIN {
			print "<domain type=\"kvm\"><name>text</name>"
			print "<uuid>6c0d5e2a-0b1f-4d43-9a1e-0000000000ff</uuid><description>"
			for (i = 0; i < 1100; i++)
				printf "line %d of a long description, internal_services[ s%d ]\n", i, i
			print "args[ --debug ]</description><!--"
			for (i = 0; i < 6000; i++)
				printf "comment line %d that nobody reads, a comment line nobody reads\n", i
			print "--><devices>"
			for (i = 0; i < 1000; i++)
				printf "<controller type=\"pci\" index=\"%d\" model=\"pcie-root-port\">" \
					"<target chassis=\"%d\" port=\"0x%x\"/></controller>\n", i, i, i
			print "</devices></domain>"
		}' > "$2/text.xml"
		;;
	vm-flags)
		for f in "$top"/tests/fixtures/domains/*/*.xml "$top"/tests/corpus/*.xml; do
			[ -f "$f" ] || continue
			awk -v out="$2/$(basename "$(dirname "$f")")-$(basename "$f" .xml)" '
				BEGIN { RS = "</description>" }
				index($0, "<description>") {
					sub(/.*<description>/, "")
					n++
					printf "%s", $0 > (out "-" n)
				}' "$f"
		done
		;;
	config)
		for f in "$top"/hooks.d/vfio-hook.conf.example "$top"/hooks.d/vfio-hook.d/*/vm.conf; do
			[ -f "$f" ] || continue
			name=$(echo "${f#"$top"/}" | tr / -)
			cp "$f" "$2/$name"
			# The examples are all comments: the same with their settings switched on.
			sed 's/^#\([a-z_]* = \)/\1/' "$f" > "$2/on-$name"
		done
		;;
	esac
	if [ -d "$here/corpus/$1" ]; then
		cp "$here/corpus/$1"/* "$2"/ 2>/dev/null
	fi
	return 0
}

# domain-large is the domain target on big documents.
binary() {
	echo "$build/fuzz-${1%-large}"
}

stat_of() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

count_files() {
	find "$1" -maxdepth 1 -type f -name "$2" 2>/dev/null | wc -l | tr -d ' '
}

# fuzz TARGET WORKDIR CORPUS RUNS [extra libFuzzer options]: one run; its log in WORKDIR/log,
# its figures in WORKDIR/figures.
fuzz() {
	t=$1 work=$2 corpus=$3 n=$4
	shift 4
	mkdir -p "$work/artifacts" "$corpus"
	rm -f "$work/artifacts"/*
	seeds "$t" "$work/seeds"
	start=$(date +%s.%N)
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$(binary "$t")" \
		-runs="$n" -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
		-detect_leaks=1 -print_final_stats=1 -dict="$here/${t%-large}.dict" \
		-artifact_prefix="$work/artifacts/" "$@" "$corpus" "$work/seeds" \
		> "$work/log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	execs=$(stat_of number_of_executed_units "$work/log")
	rss=$(stat_of peak_rss_mb "$work/log")
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	rate=$(awk -v n="${execs:-0}" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
	crashes=$(count_files "$work/artifacts" 'crash-*')
	leaks=$(count_files "$work/artifacts" 'leak-*')
	timeouts=$(count_files "$work/artifacts" 'timeout-*')
	ooms=$(count_files "$work/artifacts" 'oom-*')
	corp=$(count_files "$corpus" '*')
	echo "$t ${execs:-0} $secs $rate $crashes $leaks $timeouts $ooms $corp ${rss:-?} $rc" \
		> "$work/figures"
}

# PASS when libFuzzer ran every execution asked and left no artifact.
verdict() {
	read -r t execs secs rate crashes leaks timeouts ooms corp rss rc < "$1/figures"
	if [ "$rc" -eq 0 ] && [ "$execs" -ge "$2" ] &&
		[ $((crashes + leaks + timeouts + ooms)) -eq 0 ]; then
		echo "PASS fuzz.$t ($execs runs, $secs s, corpus $corp)"
		return 0
	fi
	echo "FAIL fuzz.$t (exit $rc, $execs of $2 runs, crashes $crashes, leaks $leaks," \
		"timeouts $timeouts, out of memory $ooms)"
	for a in "$1/artifacts"/*; do [ -f "$a" ] && echo "  input kept in $a"; done
	grep -E 'ERROR|invariant broken|SUMMARY|^    #[0-9]' "$1/log" | head -n 30 | sed 's/^/  /'
	return 1
}

# The figures of the last long run of each target, as a table. corpus: libFuzzer's own at the
# end (units/bytes); files: what DIR/corpus/T holds, every run's finds.
summary() {
	printf '%-12s %11s %9s %8s %7s %5s %8s %4s %12s %6s %8s\n' target executions seconds \
		exec/s crashes leaks timeouts oom corpus files peak-rss
	for t in "$@"; do
		[ -f "$build/long/$t/figures" ] || continue
		read -r t execs secs rate crashes leaks timeouts ooms files rss rc \
			< "$build/long/$t/figures"
		corpus=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$build/long/$t/log" | tail -n 1)
		printf '%-12s %11s %9s %8s %7s %5s %8s %4s %12s %6s %6sMB\n' "$t" "$execs" "$secs" \
			"$rate" "$crashes" "$leaks" "$timeouts" "$ooms" "${corpus#corp: }" "$files" "$rss"
	done
}

case $mode in
probe)
	probe
	exit
	;;
smoke)
	runs=${runs:-20000}
	status=0
	why=
	for t in "$@"; do
		if [ ! -x "$(binary "$t")" ]; then
			[ -n "$why" ] || why=$(probe) || true
			echo "FAIL fuzz.$t (not built in $build/: ${why:-make fuzz-build failed})"
			status=1
			continue
		fi
		work=$build/smoke/$t
		rm -rf "$work"
		# A fixed seed: much the same executions every time (libFuzzer is not fully
		# deterministic); a failing input stays in $work/artifacts/.
		n=$runs
		[ "$t" = domain-large ] && n=$((runs / 100)) # milliseconds each
		fuzz "$t" "$work" "$work/new" "$n" -seed=1
		verdict "$work" "$n" || status=1
	done
	exit $status
	;;
long)
	runs=${runs:-10000000}
	large_runs=${FUZZ_LARGE_RUNS:-20000}
	probe >&2 || exit 1
	for t in "$@"; do
		[ -x "$(binary "$t")" ] || { echo "$(binary "$t") is not built (make fuzz-build)" >&2; exit 1; }
	done
	status=0
	targets=$*
	# A pool of $jobs runs: a new one starts as soon as one ends.
	running=
	for t in $targets; do
		while [ "$(echo $running | wc -w)" -ge "$jobs" ]; do
			sleep 5
			still=
			for p in $running; do kill -0 "$p" 2>/dev/null && still="$still $p"; done
			running=$still
		done
		n=$runs
		[ "$t" = domain-large ] && n=$large_runs
		echo "fuzzing $t: $n executions ($build/long/$t/log)"
		fuzz "$t" "$build/long/$t" "$build/corpus/$t" "$n" &
		running="$running $!"
	done
	wait
	for t in $targets; do
		n=$runs
		[ "$t" = domain-large ] && n=$large_runs
		verdict "$build/long/$t" "$n" || status=1
	done
	summary $targets > "$build/fuzz-summary.txt"
	echo
	cat "$build/fuzz-summary.txt"
	exit $status
	;;
summary)
	summary "$@"
	;;
*)
	echo "usage: $0 probe | smoke|long|summary [--build DIR] [--runs N] [--jobs J] [TARGET...]" >&2
	exit 2
	;;
esac

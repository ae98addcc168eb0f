#!/bin/sh
# Builds the decoder fuzz target with clang's libFuzzer (plus ASan and
# UBSan) and runs it for a bounded time. Any finding (a crash, the
# target's own abort, a leak, undefined behaviour, a hang) fails the
# test and shows the input that caused it. Skipped only where clang is
# missing; the set-up script installs it with its fuzzer runtime.
set -u
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
SECONDS_TO_RUN=${FUZZ_SECONDS:-20}
command -v clang >/dev/null 2>&1 || {
	echo "SKIP: tests/fuzz.sh: clang not installed (apt-get install clang libclang-rt-14-dev)"
	exit 77
}
T=$(mktemp -d "${TMPDIR:-/tmp}/scada-fuzz.XXXXXX")
trap 'rm -rf "$T"' EXIT
src=$top_srcdir
# No recovery: a UB report ends the run like a crash.
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$top_builddir" -I"$src/proto" $(pkg-config --cflags libczmq jansson) \
    "$src/tests/fuzz_decode.c" "$src/proto/msg.c" "$src/proto/tagval.c" \
    "$src/proto/error.c" "$src/proto/value.c" "$src/proto/xmalloc.c" \
    "$src/proto/log.c" \
    $(pkg-config --libs libczmq jansson) -lm -o "$T/fuzz_decode" \
    2>"$T/build.log" || {
	echo "FAIL: cannot build the fuzz target:"
	cat "$T/build.log"
	exit 1
}
mkdir "$T/corpus" "$T/found"
cp "$src"/tests/fuzz-corpus/* "$T/corpus/"
UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
ASAN_OPTIONS="detect_leaks=1" \
"$T/fuzz_decode" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
    -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 \
    -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$T/found/" \
    "$T/corpus" >"$T/fuzz.log" 2>&1
rc=$?
tail -n 15 "$T/fuzz.log"
for f in "$T"/found/*; do
	[ -f "$f" ] || continue
	rc=1
	echo "FAIL: finding $(basename "$f"), input as bytes:"
	od -A d -c "$f" | head -n 40
	echo "(base64: $(base64 -w0 <"$f"))"
done
if [ "$rc" -ne 0 ]; then
	echo "FAIL: the fuzzer exited $rc; its log:"
	grep -E "ERROR|SUMMARY|runtime error|==[0-9]+==" "$T/fuzz.log" | head -n 20
	exit 1
fi
exit 0

#!/bin/sh
# Builds the decoder fuzz target with clang's libFuzzer (plus ASan and
# UBSan) and runs it for a bounded time. Skipped where clang or its
# fuzzer runtime is missing.
set -u
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
SECONDS_TO_RUN=${FUZZ_SECONDS:-20}
command -v clang >/dev/null 2>&1 || { echo "no clang: skipped"; exit 77; }
T=$(mktemp -d "${TMPDIR:-/tmp}/scada-fuzz.XXXXXX")
trap 'rm -rf "$T"' EXIT
src=$top_srcdir
clang -g -O1 -fsanitize=fuzzer,address,undefined \
    -I"$top_builddir" -I"$src/proto" $(pkg-config --cflags libczmq jansson) \
    "$src/tests/fuzz_decode.c" "$src/proto/msg.c" "$src/proto/tagval.c" \
    "$src/proto/error.c" "$src/proto/value.c" "$src/proto/xmalloc.c" \
    "$src/proto/log.c" \
    $(pkg-config --libs libczmq jansson) -lm -o "$T/fuzz_decode" \
    2>"$T/build.log" || {
	if grep -q "fuzzer" "$T/build.log"; then
		echo "clang has no libFuzzer runtime: skipped"
		cat "$T/build.log"
		exit 77
	fi
	cat "$T/build.log"
	exit 1
}
mkdir "$T/corpus"
cp "$src"/tests/fuzz-corpus/* "$T/corpus/"
"$T/fuzz_decode" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 \
    -timeout=5 -rss_limit_mb=1024 -print_final_stats=1 "$T/corpus" \
    >"$T/fuzz.log" 2>&1
rc=$?
tail -n 15 "$T/fuzz.log"
exit $rc

#!/bin/sh
# The LOG_COMPILER of every test: runs it with a time limit, so a hang
# fails the test instead of stalling the suite (and CI) for good. The
# test gets SIGTERM first, so its trap stops what it started; SIGKILL
# follows 10 s later. TEST_TIME_LIMIT is in seconds; the sanitizers get
# three times as long.
limit=${TEST_TIME_LIMIT:-300}
[ "${SANITIZERS:-no}" = yes ] && limit=$((limit * 3))
timeout -k 10 "$limit" "$@"
rc=$?
if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
	echo "FAIL: $*: no result within $limit s; stopped"
	exit 99		# a hard error to automake, never a skip
fi
exit "$rc"

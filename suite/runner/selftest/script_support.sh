# script_support.sh - what the runner's self-test scripts share, sourced by each: a scratch
# directory removed on exit, a failure count with fail(), and finish(), the script's end.
# Usage (after `miconform=$1`): source "$(dirname "$0")/script_support.sh" NAME
set -u
selftest_name=$1
scratch=$(mktemp -d "/tmp/miconform-$selftest_name-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
failures=0

# fail MESSAGE: one failed check; the script goes on and fails at finish.
fail() {
  echo "FAIL [$selftest_name]: $*"
  failures=$((failures + 1))
}

# finish SUMMARY: exits 1 when a check failed, else prints SUMMARY and exits 0.
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$selftest_name: $failures check(s) failed"
    exit 1
  fi
  echo "$selftest_name: $*"
  exit 0
}

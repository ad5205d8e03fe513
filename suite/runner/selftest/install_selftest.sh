#!/usr/bin/env bash
# install_selftest.sh - the installed tool works on its own: `cmake --install BUILD --prefix P`,
# then P/bin/miconform runs the suite from another directory (the built-in targets and the handler
# found in P/lib/miconform, not in the build tree), and `cpack -G DEB` makes a package holding the
# same files.
# Usage: install_selftest.sh BUILD_DIR
build=$1
source "$(dirname "$0")/script_support.sh" install

prefix=$scratch/prefix
cmake --install "$build" --prefix "$prefix" >"$scratch/install.out" 2>&1 ||
  fail "cmake --install failed: $(tail -5 "$scratch/install.out")"
miconform=$prefix/bin/miconform
for file in bin/miconform lib/miconform/libmiconform_reference.so lib/miconform/libmiconform_handler.so \
            lib/miconform/libmiconform_interposer.so lib/miconform/libmiconform_heapcount.so \
            share/man/man1/miconform.1 share/doc/miconform/README.md; do
  [ -e "$prefix/$file" ] || fail "not installed: $file"
done
ls "$prefix"/lib/miconform/libmiconform_mutant_*.so >/dev/null 2>&1 || fail "no mutant installed"

# From another directory, with nothing of the build tree reachable by its relative paths.
mkdir -p "$scratch/elsewhere"
cd "$scratch/elsewhere" || exit 1
"$miconform" --version | grep -qE '^miconform [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$miconform" list --targets | grep -qx 'mutant:completion_called_twice' || fail "list --targets"
"$miconform" run --filter 'session_close.sync.*' --no-explore --timeout 8 --report installed-run \
  --progress never >run.out 2>&1
status=$?
[ "$status" -eq 3 ] || fail "installed run -> $status, want 3 (PARTIAL): $(head -c 1500 run.out)"
python3 - "$scratch/elsewhere/installed-run/report.json" "$prefix" <<'PY' || fail "report.json"
import json, sys
report = json.load(open(sys.argv[1]))
library = report["run"]["target_library"]
assert library == sys.argv[2] + "/lib/miconform/libmiconform_reference.so", library
assert all(case["verdict"] == "PASS" for case in report["cases"]), report["cases"]
# The reproduce line: the installed runner by its full path, with the limit that judged the case.
for case in report["cases"]:
    assert case["reproduce"].startswith(sys.argv[2] + "/bin/miconform run "), case["reproduce"]
    assert " --timeout 8 " in case["reproduce"], case["reproduce"]
PY
"$miconform" run --target mutant:completion_called_twice --filter session_close.async.null_context \
  --report mutant-run --progress never >mutant.out 2>&1
[ $? -eq 1 ] || fail "an installed mutant was not NOT CONFORMANT: $(head -c 1500 mutant.out)"

# The Debian package holds the same layout under /usr.
if command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null; then
  (cd "$build" && cpack -G DEB -B "$scratch/package" >"$scratch/cpack.out" 2>&1) ||
    fail "cpack -G DEB failed: $(tail -5 "$scratch/cpack.out")"
  deb=$(ls "$scratch"/package/miconform_*.deb 2>/dev/null | head -1)
  if [ -z "$deb" ]; then
    fail "no .deb written: $(tail -5 "$scratch/cpack.out")"
  else
    contents=$(dpkg-deb -c "$deb")
    for file in ./usr/bin/miconform ./usr/lib/miconform/libmiconform_handler.so ./usr/share/man/man1/miconform.1; do
      grep -qF " $file" <<<"$contents" || fail "the package lacks $file"
    done
    dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "the package names no runtime dependency"
  fi
else
  fail "dpkg-deb and dpkg-shlibdeps are needed (scripts/setup.sh installs dpkg-dev)"
fi

finish "installed under a prefix, the tool runs from anywhere; the Debian package holds it"

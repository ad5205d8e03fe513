#!/usr/bin/env bash
# Applies the house style (.clang-format at the root) to every C and C++ file of the project.
#   bash scripts/format.sh           formats the files in place
#   bash scripts/format.sh --check   changes nothing; lists the files that break the style and
#                                    exits 1 when there is one (a self-test runs this)
# The style was applied with clang-format 14, Debian 12's (scripts/setup.sh installs it); another
# version formats some constructs differently, so no other is used.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=format
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "format.sh: unknown argument '$1' (expected nothing or --check)" >&2; exit 2 ;;
esac

formatter=$(command -v clang-format-14 || true)
if [ -z "$formatter" ]; then
  echo "format.sh: clang-format-14 is not installed; scripts/setup.sh installs it" >&2
  exit 3
fi

# The project's files: what git tracks in a clone, else every source outside the build trees.
if [ -d .git ] && command -v git >/dev/null; then
  mapfile -t files < <(git ls-files -- '*.c' '*.cc' '*.h')
else
  mapfile -t files < <(find . \( -name 'build*' -o -name '.git' \) -prune -o \
                            -type f \( -name '*.c' -o -name '*.cc' -o -name '*.h' \) -print | sort)
fi

if [ "$mode" = format ]; then
  printf '%s\0' "${files[@]}" | xargs -0 "$formatter" -i
  exit 0
fi
unformatted=()
for file in "${files[@]}"; do
  if ! "$formatter" --dry-run --Werror "$file" >/dev/null 2>&1; then unformatted+=("$file"); fi
done
if [ ${#unformatted[@]} -gt 0 ]; then
  echo "format.sh: ${#unformatted[@]} file(s) break the house style (.clang-format);" \
       "bash scripts/format.sh formats them:" >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format.sh: ${#files[@]} files keep the house style"

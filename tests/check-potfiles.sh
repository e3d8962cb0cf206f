#!/usr/bin/env bash
# check-potfiles.sh: every source file with translatable strings is in
# po/POTFILES.in, and every file listed there exists, so no string silently
# drops out of the translation template.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
potfiles="$top/po/POTFILES.in"
status=0
listed=$(grep -v -e '^#' -e '^[[:space:]]*$' "$potfiles")

while IFS= read -r -d '' file; do
  rel=${file#$top/}
  if grep -qE '(^|[^[:alnum:]_])[NCQ]?_ ?\("|ngettext ?\(|translatable="yes"' "$file" &&
     ! grep -qxF "$rel" <<<"$listed"; then
    echo "$rel: has translatable strings but is not in po/POTFILES.in"
    status=1
  fi
done < <(find "$top/src/app" "$top/src/daemon" \( -name '*.c' -o -name '*.ui' \) -print0 2>/dev/null)

while IFS= read -r rel; do
  if [ ! -e "$top/$rel" ]; then
    echo "po/POTFILES.in: $rel does not exist"
    status=1
  fi
done <<<"$listed"

exit $status

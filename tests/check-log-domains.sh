#!/usr/bin/env bash
# check-log-domains.sh: every C file defines G_LOG_DOMAIN as its own file stem,
# so a log line always says which file it came from.
set -u
top=${1:-$(cd "$(dirname "$0")/.." && pwd)}
status=0
while IFS= read -r -d '' file; do
  stem=$(basename "$file" .c)
  if ! grep -q "^#define G_LOG_DOMAIN \"$stem\"$" "$file"; then
    echo "${file#$top/}: needs #define G_LOG_DOMAIN \"$stem\""
    status=1
  fi
done < <(find "$top/src" "$top/tests" "$top/bench" -name '*.c' -not -path '*/node_modules/*' -print0)
exit $status

#!/usr/bin/env bash
# Streams certificates as CSV rows, one per certificate, until Ctrl-C:
#   seen,log,cert_index,update_type,issuer,not_after,domains
# Arguments go to certstream (e.g. --url wss://certstream.example/ or --filter 'bank|paypal');
# not --domains-only, whose messages carry only domains.
#   examples/cli-to-csv/certs-to-csv.sh --filter paypal > paypal.csv
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
certstream="${CERTSTREAM:-$here/../../certstream}"
command -v jq >/dev/null || { echo "certs-to-csv: needs jq (e.g. apt-get install jq)" >&2; exit 1; }

echo '"seen","log","cert_index","update_type","issuer","not_after","domains"'
"$certstream" --json "$@" | jq -r --unbuffered '
  .data
  | [ (.seen | floor | todate),
      .source.name,
      .cert_index,
      .update_type,
      (.leaf_cert.issuer.CN // .leaf_cert.issuer.aggregated // ""),
      (.leaf_cert.not_after | floor | todate),
      (.leaf_cert.all_domains | join(" ")) ]
  | @csv'

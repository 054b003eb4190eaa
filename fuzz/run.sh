#!/usr/bin/env bash
# Runs every fuzz target for RUNS executions (default 10 million), two at a time, each also
# bounded by MAX_SECONDS. Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets
# the stable toolchain take the sanitizer flags cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")"
RUNS="${RUNS:-10000000}"
MAX_SECONDS="${MAX_SECONDS:-1200}"
# Longer inputs find little more in these parsers and slow them several times over.
MAX_LEN="${MAX_LEN:-512}"
export RUSTC_BOOTSTRAP=1
targets=(route_match route_pattern query_form cookie_header range_conditional static_path json_body multipart_body accept_encoding forwarded_headers session_cookie sse_event access_line websocket_frames)
# TARGETS="a b" runs only those.
if [ -n "${TARGETS:-}" ]; then read -r -a targets <<< "$TARGETS"; fi

seed() { mkdir -p "corpus/$1"; printf '%b' "$2" > "corpus/$1/seed-$3"; }
seed route_match '/hello/42' 1; seed route_match '/files/a/b%20c' 2; seed route_match '/api/v1/students/1/x' 3
seed route_pattern '/a/{b}/{c?}\n/files/{*rest}' 1; seed route_pattern '/u/{id}\n/u/{name}' 2
seed query_form 'a=1&b=x+y&c=%C3%A9&d' 1
seed cookie_header 'a=1; b=x%20y; c=' 1
seed range_conditional '\x20bytes=0-5' 1; seed range_conditional '\x20W/"abc", "x"' 2
seed static_path '/css/style.css' 1; seed static_path '/%2e%2e/x' 2
seed json_body '{"a":[1,2.5,"x",null,true]}' 1
seed multipart_body 'pre\r\n--X\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--X\r\nContent-Disposition: form-data; name="f"; filename=""\r\n\r\nxyz\r\n--X--\r\n' 1
seed multipart_body '--X\r\nContent-Disposition: form-data; name="f"; filename="../a\\\\b/ .c<1>.txt. "\r\n\r\nxyz\r\n--X--\r\n' 2
seed multipart_body '--X\r\nContent-Disposition: form-data; name="f"; filename="invoice\xe2\x80\xaefdp.exe"\r\n\r\nMZ\r\n--X--\r\n' 3

seed accept_encoding 'gzip;q=0.8, br;q=1.0, *;q=0' 1; seed accept_encoding 'x-gzip, zstd;q=0.001' 2
seed forwarded_headers 'for=192.0.2.60;proto=https, for="[2001:db8::1]:80";host=a.test' 1
seed forwarded_headers '203.0.113.7, 10.0.0.1' 2
seed session_cookie 'theme=dark; sid=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' 1
seed sse_event 'line 1\r\nline 2\rline 3\n' 1
# access_line: status (2 bytes, LE), byte count (8), family (1: even IPv4, odd IPv6), address (16).
v4_200='\xc8\x00\x07\x00\x00\x00\x00\x00\x00\x00\x00\x7f\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00'
v6_404='\x94\x01\xff\xff\x00\x00\x00\x00\x00\x00\x01\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x08\x00\x01'
seed access_line "$v4_200/a/b?c=d\nid-42" 1; seed access_line "$v6_404/x%22y\nq\x22\\\\z" 2

# websocket_frames: masked client frames (key 01 02 03 04): text "hi" then close 1000; a ping, a
# fragmented binary message, an unmasked frame.
seed websocket_frames '\x81\x82\x01\x02\x03\x04\x69\x6b\x88\x82\x01\x02\x03\x04\x02\xea' 1
seed websocket_frames '\x89\x82\x01\x02\x03\x04\x71\x33\x02\x81\x01\x02\x03\x04\x08\x80\x81\x01\x02\x03\x04\x09\x81\x02hi' 2

cargo fuzz build -O
run() {
  local target=$1
  local log="/tmp/fuzz-$target.log"
  cargo fuzz run -O "$target" "corpus/$target" -- -runs="$RUNS" -max_len="$MAX_LEN" -max_total_time="$MAX_SECONDS" \
    -print_final_stats=1 > "$log" 2>&1 || { echo "$target: FAILED (see $log)"; return 1; }
  local done_runs secs
  done_runs=$(grep -oP 'stat::number_of_executed_units:\s*\K\d+' "$log" || echo "?")
  secs=$(grep -oP 'Done \d+ runs in \K\d+' "$log" || echo "?")
  echo "$target: $done_runs executions in ${secs} s, no crash"
}
status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" & first=$!
  if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & second=$!; wait $second || status=1; fi
  wait $first || status=1
done
exit $status

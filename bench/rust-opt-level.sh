#!/usr/bin/env bash
# Chooses the rust-lambda release opt-level by measurement: for opt-level 3, "s" and "z" it builds
# each flavour with `cargo lambda build --release`, then prints bootstrap and zip bytes, the median
# cold start against a local Runtime API (spawn → first /next, spawn → first response posted), and
# the in-process throughput of the handler path (decode event → handler → encode response),
# best of 7 interleaved rounds.
#   bench/rust-opt-level.sh [runs=15] [iterations=200000]
# ARCH=arm64 needs the aarch64 Rust target; the default is the host's (x86_64 here).
# Cold start medians include process spawn and a Python Runtime API, so compare them across rows,
# not with Lambda's Init Duration. GEN=<command> overrides the generator (default: built svl new).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS="${1:-15}"
ITER="${2:-200000}"
ARCH="${ARCH:-x86_64}"
GEN="${GEN:-node $ROOT/bin/svl.js new}"
export CARGO_TARGET_DIR="${BENCH_TARGET_DIR:-$ROOT/.cache/cargo-target-opt-bench}"
WORK="$ROOT/.cache/scratch/bench-opt-level"
rm -rf "$WORK" && mkdir -p "$WORK"

# Cold start: a minimal Runtime API that hands out one event and times the function's calls.
cat > "$WORK/cold_start.py" <<'PY'
import http.server, json, statistics, subprocess, sys, threading, time
binary, event_file, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
event = open(event_file, 'rb').read()
class Api(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_GET(self):
        if self.server.first_next is None:
            self.server.first_next = time.perf_counter()
            self.send_response(200)
            self.send_header('Lambda-Runtime-Aws-Request-Id', 'bench-1')
            self.send_header('Lambda-Runtime-Deadline-Ms', str(int(time.time() * 1000) + 10_000))
            self.send_header('Lambda-Runtime-Invoked-Function-Arn', 'arn:aws:lambda:us-east-1:000000000000:function:bench')
            self.send_header('Content-Length', str(len(event)))
            self.end_headers(); self.wfile.write(event)
        else:  # second /next: park until the bench kills the process
            self.server.done.wait(5)
    def do_POST(self):
        self.rfile.read(int(self.headers.get('Content-Length', 0)))
        self.server.responded = time.perf_counter()
        self.send_response(202); self.end_headers()
init, total = [], []
for _ in range(runs):
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Api)
    srv.first_next = srv.responded = None; srv.done = threading.Event()
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    env = {'AWS_LAMBDA_RUNTIME_API': f'127.0.0.1:{srv.server_address[1]}', 'AWS_LAMBDA_FUNCTION_NAME': 'bench',
           'AWS_LAMBDA_FUNCTION_MEMORY_SIZE': '128', 'AWS_LAMBDA_FUNCTION_VERSION': '$LATEST', 'GREETING': 'Hello'}
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env)
    deadline = start + 10
    while srv.responded is None and time.perf_counter() < deadline: time.sleep(0.0005)
    proc.kill(); proc.wait(); srv.done.set(); srv.shutdown(); srv.server_close()
    if srv.responded is None: sys.exit('no response from ' + binary)
    init.append((srv.first_next - start) * 1000); total.append((srv.responded - start) * 1000)
print(f'{statistics.median(init):.2f} {statistics.median(total):.2f}')
PY

for flavor in http event; do
  dir="$WORK/$flavor"
  $GEN "$dir" --template rust-lambda --flavor "$flavor" --name "bench-$flavor" --yes --no-git >/dev/null
  mkdir -p "$dir/examples"
  # Reuses the handler module as it is; only this harness is added.
  if [ "$flavor" = http ]; then
    cat > "$dir/examples/throughput.rs" <<'RS'
#[allow(dead_code)]
#[path = "../src/handler.rs"]
mod handler;
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let iterations: u32 = std::env::args().nth(1).unwrap().parse().unwrap();
    let events = [include_str!("../events/get.json"), include_str!("../events/post.json")];
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for i in 0..iterations {
        let request = lambda_http::request::from_str(events[(i % 2) as usize]).unwrap();
        let response = handler::handle(request, "Hello").await.unwrap();
        bytes += response.body().len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{:.0} {}", f64::from(iterations) / secs, std::hint::black_box(bytes) > 0);
}
RS
  else
    cat > "$dir/examples/throughput.rs" <<'RS'
#[allow(dead_code)]
#[path = "../src/handler.rs"]
mod handler;
fn main() {
    let iterations: u32 = std::env::args().nth(1).unwrap().parse().unwrap();
    let event = include_str!("../events/greet.json");
    let start = std::time::Instant::now();
    let mut bytes = 0;
    for _ in 0..iterations {
        let request: handler::Request = serde_json::from_str(event).unwrap();
        let response = handler::greet(&request, "Hello").unwrap();
        bytes += serde_json::to_vec(&response).unwrap().len();
    }
    let secs = start.elapsed().as_secs_f64();
    println!("{:.0} {}", f64::from(iterations) / secs, std::hint::black_box(bytes) > 0);
}
RS
  fi
done

arch_flag=$([ "$ARCH" = arm64 ] && echo --arm64 || echo --x86-64)
# 1. Build every variant. Each cargo-lambda build gets its own --lambda-dir, and the whole bench its
#    own target dir: every project's binary is <target>/<triple>/release/bootstrap, so a build of
#    another project in a shared target dir could swap it before cargo-lambda copies it out.
for flavor in http event; do
  for opt in 3 s z; do
    out="$WORK/$flavor-$opt"; mkdir -p "$out"
    ( cd "$WORK/$flavor" && CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" cargo lambda build --release "$arch_flag" \
        --lambda-dir "$out" --flatten bootstrap --quiet >/dev/null 2>&1 )
    ( cd "$out" && rm -f bootstrap.zip && zip -q -9 -X bootstrap.zip bootstrap )
    ( cd "$WORK/$flavor" && CARGO_PROFILE_RELEASE_OPT_LEVEL="$opt" cargo build --release --example throughput --quiet 2>/dev/null )
    cp "$CARGO_TARGET_DIR/release/examples/throughput" "$out/throughput"
  done
done

# 2. Measure, interleaving the variants round by round so that load from other work on the
#    machine falls on all of them alike; throughput is the best round (least disturbed).
declare -A best
for _ in 1 2 3 4 5 6 7; do
  for flavor in http event; do
    for opt in 3 s z; do
      ops=$("$WORK/$flavor-$opt/throughput" "$ITER" | cut -d' ' -f1)
      [ "${best[$flavor-$opt]:-0}" -ge "$ops" ] || best[$flavor-$opt]=$ops
    done
  done
done

printf '\n%-6s %-9s %12s %10s %14s %16s %14s\n' flavor opt-level bootstrap_B zip_B init_ms_p50 first_resp_ms_p50 handler_ops/s
for flavor in http event; do
  event="$WORK/$flavor/events/$([ "$flavor" = http ] && echo get.json || echo greet.json)"
  for opt in 3 s z; do
    out="$WORK/$flavor-$opt"
    bin_b=$(stat -c %s "$out/bootstrap"); zip_b=$(stat -c %s "$out/bootstrap.zip")
    read -r init first < <(python3 "$WORK/cold_start.py" "$out/bootstrap" "$event" "$RUNS")
    printf '%-6s %-9s %12s %10s %14s %16s %14s\n' "$flavor" "$opt" "$bin_b" "$zip_b" "$init" "$first" "${best[$flavor-$opt]}"
  done
done

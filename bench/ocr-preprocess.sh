#!/usr/bin/env bash
# Does grayscale + downscale (what the Rust OCR template does before calling Gemini) pay in Go?
# Makes phone-camera-like JPEGs with ImageMagick (12 MP and 3 MP with sensor-like noise, and a
# small screenshot-sized one) and prints bytes in/out and the CPU one shrink costs in Go.
#   bench/ocr-preprocess.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/.cache/scratch/bench-ocr-preprocess"
mkdir -p "$WORK"
photo() { # name size
  [ -f "$WORK/$1" ] || convert -size "$2" plasma:fractal -attenuate 0.6 +noise Gaussian \
    -pointsize 120 -fill black -gravity center -annotate 0 'INVOICE 2026-001' -quality 88 "$WORK/$1"
}
photo photo-12mp.jpg 4000x3000
photo photo-3mp.jpg 2000x1500
photo small-1mp.jpg 1200x800
cd "$ROOT/bench/ocr-preprocess"
go run . "$WORK/photo-12mp.jpg" "$WORK/photo-3mp.jpg" "$WORK/small-1mp.jpg"

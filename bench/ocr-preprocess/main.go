// Measures what grayscale + downscale would buy the Go OCR service (the Rust one does it with the
// image crate): bytes sent and CPU spent, per input image. Run by bench/ocr-preprocess.sh.
package main

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"time"

	"golang.org/x/image/draw"
)

func main() {
	maxSide := 2048
	fmt.Printf("%-28s | %10s | %10s | %8s | %12s\n", "input", "bytes in", "bytes out", "saved", "Go CPU (ms)")
	for _, path := range os.Args[1:] {
		in, err := os.ReadFile(path)
		if err != nil {
			panic(err)
		}
		const runs = 5
		var out []byte
		start := time.Now()
		for i := 0; i < runs; i++ {
			out = shrink(in, maxSide)
		}
		ms := float64(time.Since(start).Microseconds()) / 1000 / runs
		fmt.Printf("%-28s | %10d | %10d | %7.0f%% | %12.1f\n", path[max(0, len(path)-28):], len(in), len(out), 100*(1-float64(len(out))/float64(len(in))), ms)
	}
}

func shrink(in []byte, maxSide int) []byte {
	src, err := jpeg.Decode(bytes.NewReader(in))
	if err != nil {
		panic(err)
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > maxSide {
		w, h = w*maxSide/long, h*maxSide/long
	}
	gray := image.NewGray(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(gray, gray.Bounds(), src, b, draw.Src, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, gray, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return out.Bytes()
}

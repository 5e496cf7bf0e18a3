package main

import (
	"bytes"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/tiff"
)

func newTesseractTestServer(t *testing.T, cfg Config) (http.Handler, *bytes.Buffer) {
	t.Helper()
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract is not installed (apt-get install tesseract-ocr)")
	}
	cfg.Engine = "tesseract"
	var logs bytes.Buffer
	return newServer(cfg, newTesseractEngine("eng", cfg), newLogger(&logs)).routes(), &logs
}

func tesseractConfig() Config {
	cfg := testConfig("")
	cfg.MaxUploadBytes, cfg.MemoryBudget = 20<<20, 400<<20
	cfg.TesseractMemory, cfg.TesseractTime = 512<<20, 20*time.Second
	return cfg
}

func TestTesseractCorruptImageIs422WithoutEngineOutput(t *testing.T) {
	h, logs := newTesseractTestServer(t, tesseractConfig())
	// A valid header over image data that is not zlib.
	corrupt := craftedPNG(64, 64, bytes.Repeat([]byte{0xAB}, 256))
	rec := post(h, corrupt, "image/png")
	if rec.Code != http.StatusUnprocessableEntity || errorCode(t, rec) != "bad_image" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if msg := decode(t, rec)["error"].(map[string]any)["message"]; msg != "the image could not be decoded" {
		t.Fatalf("engine output reached the client: %v", msg)
	}
	if !strings.Contains(logs.String(), "tesseract") {
		t.Fatalf("the cause belongs in the log: %s", logs)
	}
}

func TestTesseractReadsTIFF(t *testing.T) {
	h, _ := newTesseractTestServer(t, tesseractConfig())
	img := grey(200, 80)
	for i := range img.Pix {
		img.Pix[i] = 0xFF
	}
	var b bytes.Buffer
	if err := tiff.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	if rec := post(h, b.Bytes(), "image/tiff"); rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

func TestTesseractMemoryIsLimited(t *testing.T) {
	cfg := tesseractConfig()
	cfg.MaxPixels = 200_000_000 // let the 12000² PNG past the pixel budget, to reach the child's limit
	cfg.TesseractMemory = 96 << 20
	h, logs := newTesseractTestServer(t, cfg)
	rec := post(h, png12000(), "image/png")
	e, _ := decode(t, rec)["error"].(map[string]any)
	if (rec.Code != http.StatusRequestEntityTooLarge && rec.Code != http.StatusUnprocessableEntity) || e == nil {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if msg, _ := e["message"].(string); strings.Contains(strings.ToLower(msg), "leptonica") || strings.Contains(msg, "Error") {
		t.Fatalf("engine output reached the client: %s", msg)
	}
	t.Logf("%d %v; log: %s", rec.Code, e["code"], strings.TrimSpace(logs.String()))
}

package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os/exec"
	"runtime"
	"strings"
)

// tesseractEngine runs Debian's tesseract CLI (apt-get install tesseract-ocr): offline, no key.
// Leptonica reads PNG, JPEG, WebP and TIFF; HEIC and PDF are Gemini-only.
type tesseractEngine struct {
	lang  string
	slots chan struct{} // one tesseract per core: more only thrash
}

func newTesseractEngine(lang string) *tesseractEngine {
	return &tesseractEngine{lang: lang, slots: make(chan struct{}, runtime.NumCPU())}
}

func (t *tesseractEngine) Name() string { return "tesseract" }

func (t *tesseractEngine) Recognize(ctx context.Context, image []byte, mime string) (Result, error) {
	select {
	case t.slots <- struct{}{}:
		defer func() { <-t.slots }()
	case <-ctx.Done():
		return Result{}, errTimeout()
	}
	if mime == "image/heic" || mime == "image/heif" || mime == "application/pdf" {
		return Result{}, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_by_engine",
			Message: mime + " needs OCR_ENGINE=gemini; tesseract reads PNG, JPEG and WebP"}
	}
	cmd := exec.CommandContext(ctx, "tesseract", "stdin", "stdout", "-l", t.lang)
	cmd.Stdin = bytes.NewReader(image)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return Result{}, errTimeout()
		}
		var notFound *exec.Error
		if errors.As(err, &notFound) {
			return Result{}, &apiError{Status: http.StatusInternalServerError, Code: "engine_missing",
				Message: "tesseract is not installed: apt-get install tesseract-ocr, or use OCR_ENGINE=gemini"}
		}
		return Result{}, errUnusable("tesseract failed: " + strings.TrimSpace(stderr.String()))
	}
	text := strings.TrimSpace(stdout.String())
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return Result{Text: text, Lines: lines, Model: "tesseract-" + t.lang}, nil
}

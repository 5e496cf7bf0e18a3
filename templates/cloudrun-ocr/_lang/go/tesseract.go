package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// tesseractEngine runs Debian's tesseract CLI (apt-get install tesseract-ocr): offline, no key.
// Leptonica reads PNG, JPEG, WebP and TIFF; HEIC and PDF are Gemini-only.
type tesseractEngine struct {
	lang    string
	slots   chan struct{} // one tesseract per core: more only thrash
	memory  int64         // RLIMIT_AS of each child
	timeout time.Duration
	program string // "tesseract"; tests may point it elsewhere
}

func newTesseractEngine(lang string, cfg Config) *tesseractEngine {
	return &tesseractEngine{lang: lang, slots: make(chan struct{}, runtime.NumCPU()),
		memory: cfg.TesseractMemory, timeout: cfg.TesseractTime, program: "tesseract"}
}

func (t *tesseractEngine) Name() string { return "tesseract" }

func (t *tesseractEngine) Check(mime string, _ int64) error {
	if mime == "image/heic" || mime == "image/heif" || mime == "application/pdf" {
		return errUnsupported(mime, "needs OCR_ENGINE=gemini; tesseract reads PNG, JPEG, WebP and TIFF")
	}
	return nil
}

// WorkCost is the child's memory, which counts against the same instance: leptonica holds 32-bit
// pixels plus grey and binary copies. Unknown sizes are charged the child's limit.
func (t *tesseractEngine) WorkCost(_, pixels int64) int64 {
	if pixels == 0 {
		return t.memory
	}
	return min(t.memory, 5*pixels+16<<20)
}

func (t *tesseractEngine) Recognize(ctx context.Context, image []byte, mime string) (Result, error) {
	select {
	case t.slots <- struct{}{}:
		defer func() { <-t.slots }()
	case <-ctx.Done():
		return Result{}, errTimeout()
	}
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.program, "stdin", "stdout", "-l", t.lang)
	// One OpenMP thread: the slots already give one tesseract per core.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return Result{}, err
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		var notFound *exec.Error
		if errors.As(err, &notFound) {
			return Result{}, &apiError{Status: http.StatusInternalServerError, Code: "engine_missing",
				Message: "tesseract is not installed: apt-get install tesseract-ocr, or use OCR_ENGINE=gemini"}
		}
		return Result{}, err
	}
	// The limit is set before the child has read a byte of the image, so a decompression bomb
	// fails inside tesseract instead of taking the instance's memory.
	limit := &unix.Rlimit{Cur: uint64(t.memory), Max: uint64(t.memory)}
	if err := unix.Prlimit(cmd.Process.Pid, unix.RLIMIT_AS, limit, nil); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return Result{}, fmt.Errorf("limit tesseract's memory: %w", err)
	}
	// A write error (tesseract quit early) shows in Wait's result; tesseract may also stop reading
	// after a complete image and still succeed.
	_, _ = stdin.Write(image)
	_ = stdin.Close()
	err = cmd.Wait()
	switch {
	case ctx.Err() != nil:
		return Result{}, errTimeout()
	case err != nil && outOfMemory(stderr.String(), err):
		return Result{}, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large_for_instance",
			Message: "the image needs more memory than OCR_TESSERACT_MEMORY_MIB allows", Cause: errors.New(firstLine(stderr.String()))}
	case err != nil:
		// Leptonica's messages go to the log only: they name internals, not what the client can fix.
		return Result{}, errBadImage(fmt.Errorf("tesseract: %v: %s", err, firstLine(stderr.String())))
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

// outOfMemory tells an allocation failure under RLIMIT_AS (std::bad_alloc aborts, leptonica's
// "Cannot allocate" messages, or a crash while allocating) from an unreadable image.
func outOfMemory(stderr string, err error) bool {
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == -1 { // killed by a signal (SIGABRT, SIGSEGV)
		return true
	}
	for _, s := range []string{"bad_alloc", "annot allocate", "alloc fail", "Out of memory", "out of memory"} {
		if strings.Contains(stderr, s) {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Config is read once from the environment (Cloud Run sets PORT; secrets arrive as env vars).
type Config struct {
	Host           string // HOST: address to listen on; Cloud Run needs 0.0.0.0, svl dev sets 127.0.0.1
	Port           string
	Engine         string        // OCR_ENGINE: gemini | tesseract
	MaxUploadBytes int64         // OCR_MAX_UPLOAD_BYTES: 14 MiB for gemini (fits its inline limit as base64), 20 MiB for tesseract
	QueueSize      int           // OCR_QUEUE_SIZE: requests that may wait for memory or a model slot before 429
	Model          string        // GEMINI_MODEL
	BaseURL        string        // GEMINI_BASE_URL: tests point it at a local server
	CallTimeout    time.Duration // GEMINI_TIMEOUT_MS per attempt; the SDK has no default timeout
	MaxRetries     int           // GEMINI_MAX_RETRIES on 429/5xx
	MaxConcurrent  int           // GEMINI_MAX_CONCURRENCY: global cap on calls in flight
	RequestBudget  time.Duration // OCR_REQUEST_TIMEOUT_MS: whole request incl. retries → 504
	Project        string        // GOOGLE_CLOUD_PROJECT: for trace links in logs

	MemoryLimit     int64         // OCR_MEMORY_LIMIT_MIB (bytes here): cgroup limit, else 512 MiB
	MemoryBudget    int64         // OCR_MEMORY_BUDGET_BYTES: what requests may hold at once (see budget.go)
	MaxPixels       int64         // OCR_MAX_PIXELS: w×h refused before any decode
	BodyTimeout     time.Duration // OCR_BODY_TIMEOUT_MS: the whole body must arrive within this → 408
	GeminiRPM       int           // GEMINI_RPM: client-side token bucket
	MaxRetryWait    time.Duration // OCR_MAX_RETRY_WAIT_MS: longest single backoff a request sits through
	TesseractMemory int64         // OCR_TESSERACT_MEMORY_MIB (bytes here): RLIMIT_AS of the tesseract child
	TesseractTime   time.Duration // OCR_TESSERACT_TIMEOUT_MS: the child is killed after this
}

// geminiInlineLimit is Gemini's limit on a whole inline generateContent request (images are sent
// base64-encoded inside the JSON); requestOverhead covers the prompt, schema and JSON around it.
const (
	geminiInlineLimit = 20_000_000
	requestOverhead   = 16 << 10
)

// maxGeminiUpload is the largest upload whose base64 still fits Gemini's inline limit.
var maxGeminiUpload = int64(geminiInlineLimit-requestOverhead) / 4 * 3

func loadConfig() (Config, error) {
	c := Config{
		Host:    envOr("HOST", "0.0.0.0"),
		Port:    envOr("PORT", "8080"),
		Engine:  envOr("OCR_ENGINE", "gemini"),
		Model:   envOr("GEMINI_MODEL", "gemini-2.5-flash-lite"),
		BaseURL: os.Getenv("GEMINI_BASE_URL"),
		Project: os.Getenv("GOOGLE_CLOUD_PROJECT"),
	}
	if c.Engine != "gemini" && c.Engine != "tesseract" {
		return c, fmt.Errorf("OCR_ENGINE=%q is not supported: use gemini or tesseract", c.Engine)
	}
	limitMiB, err := envInt("OCR_MEMORY_LIMIT_MIB", memoryLimitFromCgroup()>>20)
	if err != nil {
		return c, err
	}
	if limitMiB < 128 {
		return c, fmt.Errorf("OCR_MEMORY_LIMIT_MIB=%d is below the 128 MiB this service needs", limitMiB)
	}
	c.MemoryLimit = limitMiB << 20
	uploadDefault := int64(20 << 20)
	if c.Engine == "gemini" {
		uploadDefault = 14 << 20
	}
	ms := func(v int64) time.Duration { return time.Duration(v) * time.Millisecond }
	ints := []struct {
		name string
		def  int64
		dst  func(int64)
	}{
		{"OCR_MAX_UPLOAD_BYTES", uploadDefault, func(v int64) { c.MaxUploadBytes = v }},
		{"OCR_QUEUE_SIZE", 100, func(v int64) { c.QueueSize = int(v) }},
		{"GEMINI_TIMEOUT_MS", 30_000, func(v int64) { c.CallTimeout = ms(v) }},
		{"GEMINI_MAX_RETRIES", 3, func(v int64) { c.MaxRetries = int(v) }},
		{"GEMINI_MAX_CONCURRENCY", 80, func(v int64) { c.MaxConcurrent = int(v) }},
		{"OCR_REQUEST_TIMEOUT_MS", 60_000, func(v int64) { c.RequestBudget = ms(v) }},
		{"OCR_MEMORY_BUDGET_BYTES", defaultMemoryBudget(c.MemoryLimit), func(v int64) { c.MemoryBudget = v }},
		{"OCR_MAX_PIXELS", 25_000_000, func(v int64) { c.MaxPixels = v }},
		{"OCR_BODY_TIMEOUT_MS", 10_000, func(v int64) { c.BodyTimeout = ms(v) }},
		{"GEMINI_RPM", 4000, func(v int64) { c.GeminiRPM = int(v) }},
		{"OCR_MAX_RETRY_WAIT_MS", 10_000, func(v int64) { c.MaxRetryWait = ms(v) }},
		{"OCR_TESSERACT_MEMORY_MIB", min(1024, limitMiB/2), func(v int64) { c.TesseractMemory = v << 20 }},
		{"OCR_TESSERACT_TIMEOUT_MS", 20_000, func(v int64) { c.TesseractTime = ms(v) }},
	}
	for _, i := range ints {
		v, err := envInt(i.name, i.def)
		if err != nil {
			return c, err
		}
		i.dst(v)
	}
	switch {
	case c.MaxUploadBytes > 32<<20:
		return c, fmt.Errorf("OCR_MAX_UPLOAD_BYTES=%d is above Cloud Run's 32 MiB request limit", c.MaxUploadBytes)
	case c.Engine == "gemini" && c.MaxUploadBytes > maxGeminiUpload:
		return c, fmt.Errorf("OCR_MAX_UPLOAD_BYTES=%d is over %d, the most whose base64 fits Gemini's 20 MB inline request limit", c.MaxUploadBytes, maxGeminiUpload)
	case c.MaxConcurrent < 1:
		return c, fmt.Errorf("GEMINI_MAX_CONCURRENCY must be at least 1")
	case c.GeminiRPM < 1:
		return c, fmt.Errorf("GEMINI_RPM must be at least 1")
	case c.MemoryBudget < 1<<20 || c.MemoryBudget >= c.MemoryLimit:
		return c, fmt.Errorf("OCR_MEMORY_BUDGET_BYTES=%d must be at least 1 MiB and below the memory limit (%d MiB)", c.MemoryBudget, limitMiB)
	case c.TesseractMemory < 64<<20:
		return c, fmt.Errorf("OCR_TESSERACT_MEMORY_MIB must be at least 64")
	case c.BodyTimeout <= 0 || c.RequestBudget <= 0 || c.TesseractTime <= 0:
		return c, fmt.Errorf("OCR_BODY_TIMEOUT_MS, OCR_REQUEST_TIMEOUT_MS and OCR_TESSERACT_TIMEOUT_MS must be above 0")
	}
	return c, nil
}

// envInt reads a non-negative integer variable.
func envInt(name string, def int64) (int64, error) {
	s := os.Getenv(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%s=%q is not a non-negative integer", name, s)
	}
	return v, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

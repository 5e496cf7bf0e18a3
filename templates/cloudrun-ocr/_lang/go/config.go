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
	MaxUploadBytes int64         // OCR_MAX_UPLOAD_BYTES, default 20 MiB (Cloud Run caps requests at 32 MiB)
	QueueSize      int           // OCR_QUEUE_SIZE: requests that may wait for a model slot before 429
	Model          string        // GEMINI_MODEL
	BaseURL        string        // GEMINI_BASE_URL: tests point it at a local server
	CallTimeout    time.Duration // GEMINI_TIMEOUT_MS per attempt; the SDK has no default timeout
	MaxRetries     int           // GEMINI_MAX_RETRIES on 429/5xx
	MaxConcurrent  int           // GEMINI_MAX_CONCURRENCY: global cap on calls in flight
	RequestBudget  time.Duration // OCR_REQUEST_TIMEOUT_MS: whole request incl. retries → 504
	Project        string        // GOOGLE_CLOUD_PROJECT: for trace links in logs
}

func loadConfig() (Config, error) {
	c := Config{
		Host:    envOr("HOST", "0.0.0.0"),
		Port:    envOr("PORT", "8080"),
		Engine:  envOr("OCR_ENGINE", "gemini"),
		Model:   envOr("GEMINI_MODEL", "gemini-2.5-flash-lite"),
		BaseURL: os.Getenv("GEMINI_BASE_URL"),
		Project: os.Getenv("GOOGLE_CLOUD_PROJECT"),
	}
	var err error
	ints := []struct {
		name string
		def  int64
		dst  func(int64)
	}{
		{"OCR_MAX_UPLOAD_BYTES", 20 << 20, func(v int64) { c.MaxUploadBytes = v }},
		{"OCR_QUEUE_SIZE", 100, func(v int64) { c.QueueSize = int(v) }},
		{"GEMINI_TIMEOUT_MS", 30_000, func(v int64) { c.CallTimeout = time.Duration(v) * time.Millisecond }},
		{"GEMINI_MAX_RETRIES", 3, func(v int64) { c.MaxRetries = int(v) }},
		{"GEMINI_MAX_CONCURRENCY", 80, func(v int64) { c.MaxConcurrent = int(v) }},
		{"OCR_REQUEST_TIMEOUT_MS", 60_000, func(v int64) { c.RequestBudget = time.Duration(v) * time.Millisecond }},
	}
	for _, i := range ints {
		v := i.def
		if s := os.Getenv(i.name); s != "" {
			if v, err = strconv.ParseInt(s, 10, 64); err != nil || v < 0 {
				return c, fmt.Errorf("%s=%q is not a non-negative integer", i.name, s)
			}
		}
		i.dst(v)
	}
	if c.MaxUploadBytes > 32<<20 {
		return c, fmt.Errorf("OCR_MAX_UPLOAD_BYTES=%d is above Cloud Run's 32 MiB request limit", c.MaxUploadBytes)
	}
	if c.MaxConcurrent < 1 {
		return c, fmt.Errorf("GEMINI_MAX_CONCURRENCY must be at least 1")
	}
	if c.Engine != "gemini" && c.Engine != "tesseract" {
		return c, fmt.Errorf("OCR_ENGINE=%q is not supported: use gemini or tesseract", c.Engine)
	}
	return c, nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

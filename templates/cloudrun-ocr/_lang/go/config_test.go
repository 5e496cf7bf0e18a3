package main

import (
	"strconv"
	"strings"
	"testing"
)

func TestConfigDefaultsFollowTheEngine(t *testing.T) {
	t.Setenv("OCR_MEMORY_LIMIT_MIB", "512")
	for engine, upload := range map[string]int64{"gemini": 14 << 20, "tesseract": 20 << 20} {
		t.Setenv("OCR_ENGINE", engine)
		cfg, err := loadConfig()
		if err != nil {
			t.Fatal(err)
		}
		if cfg.MaxUploadBytes != upload || cfg.MemoryLimit != 512<<20 || cfg.TesseractMemory != 256<<20 || cfg.MaxPixels != 25_000_000 {
			t.Fatalf("%s: %+v", engine, cfg)
		}
		if cfg.MemoryBudget <= 0 || cfg.MemoryBudget > cfg.MemoryLimit/2 {
			t.Fatalf("%s: budget %d of a %d limit", engine, cfg.MemoryBudget, cfg.MemoryLimit)
		}
	}
}

func TestConfigRefusesWhatCannotWork(t *testing.T) {
	cases := map[string][2]string{
		"gemini upload over the inline limit": {"OCR_MAX_UPLOAD_BYTES", "20971520"},
		"not a number":                        {"OCR_MAX_PIXELS", "lots"},
		"budget over the limit":               {"OCR_MEMORY_BUDGET_BYTES", "999999999999"},
		"tiny instance":                       {"OCR_MEMORY_LIMIT_MIB", "16"},
		"no rate":                             {"GEMINI_RPM", "0"},
	}
	for name, kv := range cases {
		t.Run(name, func(t *testing.T) {
			t.Setenv("OCR_ENGINE", "gemini")
			t.Setenv("OCR_MEMORY_LIMIT_MIB", "512")
			t.Setenv(kv[0], kv[1])
			_, err := loadConfig()
			if err == nil || !strings.Contains(err.Error(), kv[0]) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("want a one-line error naming %s, got %v", kv[0], err)
			}
		})
	}
	t.Setenv("OCR_MAX_UPLOAD_BYTES", "20971520")
	_, err := loadConfig()
	if err == nil || !strings.Contains(err.Error(), strconv.FormatInt(maxGeminiUpload, 10)) {
		t.Fatalf("the error must name the largest upload Gemini takes: %v", err)
	}
}

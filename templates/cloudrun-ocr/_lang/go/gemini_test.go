package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A real 8×8 PNG: the header is read for the pixel budget; the fake model never decodes it.
var testPNG = encodePNG(8, 8)

func encodePNG(w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, grey(w, h)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

func grey(w, h int) *image.Gray { return image.NewGray(image.Rect(0, 0, w, h)) }

// fakeGemini speaks the generateContent REST JSON. answer gets the call number (0-based).
type fakeGemini struct {
	*httptest.Server
	calls    atomic.Int32
	mu       sync.Mutex
	requests []map[string]any
	paths    []string
	keys     []string
}

func newFakeGemini(t *testing.T, answer func(w http.ResponseWriter, call int)) *fakeGemini {
	f := &fakeGemini{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		raw, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		f.mu.Lock()
		f.requests = append(f.requests, body)
		f.paths = append(f.paths, r.URL.Path)
		f.keys = append(f.keys, r.Header.Get("x-goog-api-key"))
		f.mu.Unlock()
		answer(w, int(f.calls.Add(1)-1))
	}))
	t.Cleanup(f.Close)
	return f
}

func candidates(w http.ResponseWriter, modelText string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"candidates": []any{map[string]any{
			"content":      map[string]any{"role": "model", "parts": []any{map[string]any{"text": modelText}}},
			"finishReason": "STOP",
		}},
		"modelVersion": "gemini-2.5-flash-lite",
	})
}

func googleError(w http.ResponseWriter, code int, status string, details ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
		"code": code, "message": "fake " + status, "status": status, "details": details,
	}})
}

func retryInfo(delay string) map[string]any {
	return map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay}
}

func testConfig(baseURL string) Config {
	return Config{
		Engine: "gemini", MaxUploadBytes: 1 << 20, QueueSize: 4, Model: "gemini-2.5-flash-lite", BaseURL: baseURL,
		CallTimeout: 2 * time.Second, MaxRetries: 2, MaxConcurrent: 4, RequestBudget: 5 * time.Second,
		MemoryLimit: 512 << 20, MemoryBudget: 64 << 20, MaxPixels: 25_000_000, BodyTimeout: 2 * time.Second,
		GeminiRPM: 60_000, MaxRetryWait: 10 * time.Second,
	}
}

// newTestService is the real server with the real genai client pointed at the fake model.
func newTestService(t *testing.T, cfg Config) (*server, *bytes.Buffer) {
	t.Helper()
	t.Setenv("GEMINI_API_KEY", "test-key-not-secret")
	engine, err := newGeminiEngine(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	return newServer(cfg, engine, newLogger(&logs)), &logs
}

// newTestServer is newTestService's handler, for in-process requests.
func newTestServer(t *testing.T, cfg Config) (http.Handler, *bytes.Buffer) {
	t.Helper()
	s, logs := newTestService(t, cfg)
	return s.routes(), logs
}

func post(h http.Handler, body []byte, contentType string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/v1/ocr", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("response is not JSON: %q", rec.Body.String())
	}
	return m
}

func errorCode(t *testing.T, rec *httptest.ResponseRecorder) string {
	e, _ := decode(t, rec)["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestGeminiRequestShapeAndCannedAnswer(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		candidates(w, `{"text":"HELLO OCR\nline two","lines":["HELLO OCR","line two"],"language":"en"}`)
	})
	h, logs := newTestServer(t, testConfig(fake.URL))
	// The header claims JPEG; the bytes are PNG, and PNG is what the model must be told.
	rec := post(h, testPNG, "image/jpeg")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	got := decode(t, rec)
	if got["text"] != "HELLO OCR\nline two" || got["engine"] != "gemini" || got["model"] != "gemini-2.5-flash-lite" || got["language"] != "en" {
		t.Fatalf("unexpected answer %v", got)
	}
	if _, ok := got["durationMs"].(float64); !ok {
		t.Fatalf("durationMs missing: %v", got)
	}
	if lines, _ := got["lines"].([]any); len(lines) != 2 {
		t.Fatalf("lines missing: %v", got)
	}
	if fake.paths[0] != "/v1beta/models/gemini-2.5-flash-lite:generateContent" || fake.keys[0] != "test-key-not-secret" {
		t.Fatalf("wrong endpoint or key: %s %q", fake.paths[0], fake.keys[0])
	}
	req := fake.requests[0]
	parts := req["contents"].([]any)[0].(map[string]any)["parts"].([]any)
	inline := parts[0].(map[string]any)["inlineData"].(map[string]any)
	data, _ := inline["data"].(string)
	if strings.HasPrefix(data, "data:") {
		t.Fatal("inline data must be bare base64, not a data: URL")
	}
	if raw, err := base64.StdEncoding.DecodeString(data); err != nil || !bytes.Equal(raw, testPNG) {
		t.Fatalf("inline data does not decode to the upload: %v", err)
	}
	if inline["mimeType"] != "image/png" {
		t.Fatalf("mime type %v, want the sniffed image/png", inline["mimeType"])
	}
	gen := req["generationConfig"].(map[string]any)
	if temp, ok := gen["temperature"].(float64); !ok || temp != 0 {
		t.Fatalf("temperature must be sent as 0, got %v", gen["temperature"])
	}
	if gen["responseMimeType"] != "application/json" {
		t.Fatalf("responseMimeType %v", gen["responseMimeType"])
	}
	schema, _ := gen["responseSchema"].(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	if _, ok := props["text"]; !ok || schema["type"] != "OBJECT" {
		t.Fatalf("responseSchema missing or wrong: %v", schema)
	}
	if strings.Contains(logs.String(), "test-key-not-secret") {
		t.Fatal("the API key leaked into the logs")
	}
}

func TestOptionalFieldsAreOmitted(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":""}`) })
	h, _ := newTestServer(t, testConfig(fake.URL))
	got := decode(t, post(h, testPNG, "image/png"))
	_, hasLanguage := got["language"]
	_, hasLines := got["lines"]
	if text, ok := got["text"]; !ok || text != "" || hasLanguage || hasLines {
		t.Fatalf("want text \"\" and no empty lines/language: %v", got)
	}
}

func TestMultipartFileField(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":"from multipart"}`) })
	h, _ := newTestServer(t, testConfig(fake.URL))
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("note", "ignored")
	fw, _ := mw.CreateFormFile("file", "scan.png")
	_, _ = fw.Write(testPNG)
	_ = mw.Close()
	rec := post(h, body.Bytes(), mw.FormDataContentType())
	if rec.Code != http.StatusOK || decode(t, rec)["text"] != "from multipart" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

func TestRetriesHonourRetryInfo(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, call int) {
		if call == 0 {
			googleError(w, 429, "RESOURCE_EXHAUSTED", retryInfo("0.3s"))
			return
		}
		candidates(w, `{"text":"after retry"}`)
	})
	h, _ := newTestServer(t, testConfig(fake.URL))
	start := time.Now()
	rec := post(h, testPNG, "application/octet-stream")
	if rec.Code != http.StatusOK || decode(t, rec)["text"] != "after retry" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Fatalf("retried after %v, before RetryInfo's 0.3s", waited)
	}
	if fake.calls.Load() != 2 {
		t.Fatalf("%d calls, want 2", fake.calls.Load())
	}
}

func TestPersistent429Becomes503WithRetryAfter(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		googleError(w, 429, "RESOURCE_EXHAUSTED", retryInfo("0.05s"))
	})
	h, _ := newTestServer(t, testConfig(fake.URL))
	rec := post(h, testPNG, "image/png")
	if rec.Code != http.StatusServiceUnavailable || errorCode(t, rec) != "model_overloaded" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", rec.Header().Get("Retry-After"))
	}
	if fake.calls.Load() != 3 {
		t.Fatalf("%d calls, want 1 + 2 retries", fake.calls.Load())
	}
}

func TestServerErrorIsRetried(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, call int) {
		if call == 0 {
			googleError(w, 500, "INTERNAL")
			return
		}
		candidates(w, `{"text":"recovered"}`)
	})
	h, _ := newTestServer(t, testConfig(fake.URL))
	rec := post(h, testPNG, "image/png")
	if rec.Code != http.StatusOK || decode(t, rec)["text"] != "recovered" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
}

func TestGarbageAnswerIs502(t *testing.T) {
	for name, text := range map[string]string{"prose": "Sure! The image says hello.", "no text field": `{"words":["hi"]}`} {
		t.Run(name, func(t *testing.T) {
			fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, text) })
			h, _ := newTestServer(t, testConfig(fake.URL))
			rec := post(h, testPNG, "image/png")
			if rec.Code != http.StatusBadGateway || errorCode(t, rec) != "model_answer_unusable" {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
		})
	}
}

func TestSlowModelIs504(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		select {
		case <-release:
		case <-time.After(5 * time.Second):
		}
		candidates(w, `{"text":"too late"}`)
	})
	cfg := testConfig(fake.URL)
	cfg.CallTimeout = 200 * time.Millisecond
	h, _ := newTestServer(t, cfg)
	start := time.Now()
	rec := post(h, testPNG, "image/png")
	if rec.Code != http.StatusGatewayTimeout || errorCode(t, rec) != "engine_timeout" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatalf("timeout took %v", time.Since(start))
	}
}

func TestBadUploads(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":"x"}`) })
	cfg := testConfig(fake.URL)
	cfg.MaxUploadBytes = 1024
	h, _ := newTestServer(t, cfg)
	cases := []struct {
		name   string
		body   []byte
		status int
		code   string
	}{
		{"empty", nil, 400, "empty_body"},
		{"random bytes", bytes.Repeat([]byte("not an image "), 8), 415, "not_an_image"},
		{"over the limit", append(append([]byte{}, testPNG...), make([]byte, 2048)...), 413, "too_large"},
	}
	for _, c := range cases {
		rec := post(h, c.body, "image/png")
		if rec.Code != c.status || errorCode(t, rec) != c.code {
			t.Errorf("%s: status %d: %s", c.name, rec.Code, rec.Body)
		}
	}
	if fake.calls.Load() != 0 {
		t.Fatal("bad uploads must not reach the model")
	}
}

func TestQueueFullIs429(t *testing.T) {
	release := make(chan struct{})
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		<-release
		candidates(w, `{"text":"x"}`)
	})
	cfg := testConfig(fake.URL)
	cfg.MaxConcurrent, cfg.QueueSize = 1, 0
	h, _ := newTestServer(t, cfg)
	first := make(chan int)
	go func() { first <- post(h, testPNG, "image/png").Code }()
	for fake.calls.Load() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	rec := post(h, testPNG, "image/png")
	close(release)
	if rec.Code != http.StatusTooManyRequests || errorCode(t, rec) != "queue_full" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if code := <-first; code != http.StatusOK {
		t.Fatalf("first request: %d", code)
	}
}

func TestLogsAreCloudLoggingJSONWithTrace(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
	log.Warn("slow", traceAttr(req, "my-project")...)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatal(err)
	}
	if line["severity"] != "WARNING" || line["message"] != "slow" ||
		line["logging.googleapis.com/trace"] != "projects/my-project/traces/105445aa7843bc8bf206b12000100000" {
		t.Fatalf("log line %v", line)
	}
}

func TestSniff(t *testing.T) {
	cases := map[string]string{
		"\x89PNG\r\n\x1a\nrest":       "image/png",
		"\xff\xd8\xff\xe0rest":        "image/jpeg",
		"RIFF\x00\x00\x00\x00WEBPVP8": "image/webp",
		"\x00\x00\x00\x18ftypheic":    "image/heic",
		"\x00\x00\x00\x18ftypmif1":    "image/heif",
		"%PDF-1.7":                    "application/pdf",
		"GIF89a":                      "",
	}
	for in, want := range cases {
		if got, _ := sniffImage([]byte(in)); got != want {
			t.Errorf("sniff(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRejectedKeyIs502AndLoggedWithoutTheKey(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { googleError(w, 403, "PERMISSION_DENIED") })
	h, logs := newTestServer(t, testConfig(fake.URL))
	rec := post(h, testPNG, "image/png")
	if rec.Code != http.StatusBadGateway || errorCode(t, rec) != "model_rejected_request" {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if fake.calls.Load() != 1 {
		t.Fatalf("a 403 must not be retried: %d calls", fake.calls.Load())
	}
	if !strings.Contains(logs.String(), "PERMISSION_DENIED") || strings.Contains(logs.String(), "test-key-not-secret") {
		t.Fatalf("want the cause logged and the key not: %s", logs)
	}
}

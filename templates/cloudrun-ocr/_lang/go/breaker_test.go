package main

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestLongRetryInfoIsAnsweredAtOnce(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		googleError(w, 429, "RESOURCE_EXHAUSTED", retryInfo("45s"))
	})
	h, _ := newTestServer(t, testConfig(fake.URL))
	start := time.Now()
	rec := post(h, testPNG, "image/png")
	if rec.Code != http.StatusServiceUnavailable || errorCode(t, rec) != "model_overloaded" || rec.Header().Get("Retry-After") != "45" {
		t.Fatalf("status %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("held the caller %v", took)
	}
	if fake.calls.Load() != 1 {
		t.Fatalf("%d calls, want exactly 1", fake.calls.Load())
	}
}

func TestQuotaExhaustionOpensTheBreaker(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		googleError(w, 429, "RESOURCE_EXHAUSTED", retryInfo("30s"))
	})
	h, _ := newTestServer(t, testConfig(fake.URL))
	const n = 20
	for i := range n {
		rec := post(h, testPNG, "image/png")
		retryAfter, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
		if rec.Code != http.StatusServiceUnavailable || errorCode(t, rec) != "model_overloaded" || retryAfter < 1 || retryAfter > 30 {
			t.Fatalf("request %d: status %d, Retry-After %q: %s", i, rec.Code, rec.Header().Get("Retry-After"), rec.Body)
		}
	}
	if calls := fake.calls.Load(); calls != 1 {
		t.Fatalf("%d requests made %d calls; the open breaker must make 0", n, calls)
	}
}

func TestBreakerHalfOpenProbe(t *testing.T) {
	now := time.Unix(0, 0)
	b := &breaker{now: func() time.Time { return now }}
	if ok, _ := b.allow(); !ok {
		t.Fatal("a new breaker is closed")
	}
	if open := b.overloaded(0); open != time.Second {
		t.Fatalf("first backoff %v", open)
	}
	if b.overloaded(0) != time.Second {
		t.Fatal("a second 429 of the same episode must not double the backoff")
	}
	if ok, wait := b.allow(); ok || wait != time.Second {
		t.Fatalf("open breaker allowed a call (wait %v)", wait)
	}
	now = now.Add(time.Second)
	if ok, _ := b.allow(); !ok {
		t.Fatal("after the backoff one probe goes out")
	}
	if ok, _ := b.allow(); ok {
		t.Fatal("only one probe at a time")
	}
	if open := b.overloaded(0); open != 2*time.Second {
		t.Fatalf("a failed probe reopens for the doubled backoff, got %v", open)
	}
	now = now.Add(2 * time.Second)
	if ok, _ := b.allow(); !ok {
		t.Fatal("second probe")
	}
	b.answered()
	if ok, _ := b.allow(); !ok || b.openFor() != 0 {
		t.Fatal("an answer closes the breaker")
	}
}

func TestModelStops(t *testing.T) {
	answer := func(body string) func(w http.ResponseWriter, _ int) {
		return func(w http.ResponseWriter, _ int) {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(body))
		}
	}
	cases := []struct {
		name, body   string
		status       int
		code, reason string
	}{
		{"safety", `{"candidates":[{"finishReason":"SAFETY"}]}`, 422, "model_refused", "SAFETY"},
		{"recitation with text", `{"candidates":[{"content":{"parts":[{"text":"{\"text\":\"x\"}"}]},"finishReason":"RECITATION"}]}`, 422, "model_refused", "RECITATION"},
		{"prompt blocked", `{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}`, 422, "model_refused", "PROHIBITED_CONTENT"},
		{"max tokens", `{"candidates":[{"content":{"parts":[{"text":"{\"text\":\"trunc"}]},"finishReason":"MAX_TOKENS"}]}`, 502, "model_answer_truncated", "MAX_TOKENS"},
		{"no candidates", `{"candidates":[]}`, 502, "model_answer_unusable", ""},
		{"garbage 200", `<html>proxy error</html>`, 502, "model_answer_unusable", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fake := newFakeGemini(t, answer(c.body))
			h, _ := newTestServer(t, testConfig(fake.URL))
			rec := post(h, testPNG, "image/png")
			e, _ := decode(t, rec)["error"].(map[string]any)
			reason, _ := e["reason"].(string)
			if rec.Code != c.status || e["code"] != c.code || reason != c.reason {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if c.reason != "" && e["message"] != "the model stopped: "+c.reason {
				t.Fatalf("message %v", e["message"])
			}
			if fake.calls.Load() != 1 {
				t.Fatalf("%d calls: an answer is not retried", fake.calls.Load())
			}
		})
	}
}

func TestRateLimiterAnswersInsteadOfWaitingPastItsBudget(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":"x"}`) })
	cfg := testConfig(fake.URL)
	cfg.GeminiRPM, cfg.MaxRetryWait = 1, 100*time.Millisecond // one token a minute
	h, _ := newTestServer(t, cfg)
	if rec := post(h, testPNG, "image/png"); rec.Code != http.StatusOK {
		t.Fatalf("first: %d %s", rec.Code, rec.Body)
	}
	rec := post(h, testPNG, "image/png")
	if rec.Code != http.StatusServiceUnavailable || errorCode(t, rec) != "rate_limited" || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("second: %d %s", rec.Code, rec.Body)
	}
	if fake.calls.Load() != 1 {
		t.Fatalf("%d calls", fake.calls.Load())
	}
}

func TestGeminiRefusesTIFFAndOversizeInline(t *testing.T) {
	g := &geminiEngine{}
	if err := g.Check("image/tiff", 100); err == nil {
		t.Fatal("Gemini does not read TIFF")
	}
	err := g.Check("image/png", 15_000_000)
	if e, ok := err.(*apiError); !ok || e.Code != "too_large_for_model" {
		t.Fatalf("15 MB is over 20 MB as base64: %v", err)
	}
	if err := g.Check("image/png", maxGeminiUpload); err != nil {
		t.Fatalf("the largest allowed upload must fit: %v", err)
	}
}

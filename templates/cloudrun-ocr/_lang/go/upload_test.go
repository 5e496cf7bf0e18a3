package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// newRealServer serves the handler on a loopback port: deadlines need real connections.
func newRealServer(t *testing.T, cfg Config) (*server, *httptest.Server) {
	t.Helper()
	s, _ := newTestService(t, cfg)
	ts := httptest.NewServer(s.routes())
	t.Cleanup(ts.Close)
	return s, ts
}

func postTo(t *testing.T, url string, body []byte) (int, string) {
	t.Helper()
	res, err := http.Post(url+"/v1/ocr", "application/octet-stream", bytes.NewReader(body))
	if err != nil {
		return 0, err.Error()
	}
	defer res.Body.Close()
	var m map[string]any
	_ = jsonDecode(res, &m)
	code := "ok"
	if e, ok := m["error"].(map[string]any); ok {
		code, _ = e["code"].(string)
	}
	return res.StatusCode, code
}

func TestTricklingBodyIs408AndOthersAreServed(t *testing.T) {
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) { candidates(w, `{"text":"served"}`) })
	cfg := testConfig(fake.URL)
	cfg.BodyTimeout = 300 * time.Millisecond
	s, ts := newRealServer(t, cfg)
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Headers promise 1000 bytes; one arrives.
	fmt.Fprintf(conn, "POST /v1/ocr HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n\x89")
	start := time.Now()
	answered := make(chan *http.Response, 1)
	go func() {
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Error(err)
		}
		answered <- res
	}()
	// While the trickler waits, a normal request is served.
	if status, code := postTo(t, ts.URL, testPNG); status != http.StatusOK {
		t.Fatalf("normal request during a trickle: %d %s", status, code)
	}
	select {
	case res := <-answered:
		if res == nil || res.StatusCode != http.StatusRequestTimeout {
			t.Fatalf("trickler got %v", res)
		}
		var m map[string]any
		_ = jsonDecode(res, &m)
		if m["error"].(map[string]any)["code"] != "body_timeout" {
			t.Fatalf("trickler got %v", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no 408 within 5 s")
	}
	if waited := time.Since(start); waited < 250*time.Millisecond {
		t.Fatalf("408 after %v, before OCR_BODY_TIMEOUT_MS", waited)
	}
	if used := s.receive.used.Load(); used != 0 {
		t.Fatalf("receive budget leaked %d bytes", used)
	}
}

func TestAdmissionCountsBytes(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	fake := newFakeGemini(t, func(w http.ResponseWriter, _ int) {
		<-release
		candidates(w, `{"text":"x"}`)
	})
	const upload = 1 << 20
	cfg := testConfig(fake.URL)
	cfg.MaxUploadBytes, cfg.QueueSize = 2*upload, 100
	cfg.RequestBudget, cfg.CallTimeout = 30*time.Second, 10*time.Second // uploads are served one at a time
	// The work half fits one upload's work; the receive half a few bodies waiting for it.
	cost := (&geminiEngine{}).WorkCost(upload, 0) + upload
	cfg.MemoryBudget = 2 * (cost + 1<<20)
	s, ts := newRealServer(t, cfg)
	body := append(append([]byte{}, testPNG...), make([]byte, upload-len(testPNG))...)
	const n = 30
	results := make(chan string, n)
	for range n {
		go func() {
			status, code := postTo(t, ts.URL, body)
			if status == http.StatusTooManyRequests {
				once.Do(func() { close(release) }) // the model answers once some upload was refused
			}
			if status == 0 && (strings.Contains(code, "reset") || strings.Contains(code, "broken pipe")) {
				code = "refused while still sending" // the server closed after its 429
			}
			results <- fmt.Sprintf("%d %s", status, code)
		}()
	}
	counts := map[string]int{}
	timeout := time.After(60 * time.Second)
	for range n {
		select {
		case r := <-results:
			counts[r]++
		case <-timeout:
			t.Fatalf("requests did not finish: %v", counts)
		}
	}
	if counts["200 ok"] == 0 || counts["429 busy"] == 0 || counts["200 ok"]+counts["429 busy"]+counts["0 refused while still sending"] != n {
		t.Fatalf("want some 200 and some 429 busy, nothing else: %v", counts)
	}
	if used := s.receive.used.Load(); used != 0 {
		t.Fatalf("receive budget leaked %d bytes", used)
	}
}

func jsonDecode(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }

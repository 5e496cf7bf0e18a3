package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdaurl"
)

var s = streamer{greeting: "Hello", interval: 0}

func decodeLines(t *testing.T, body io.Reader) []chunk {
	t.Helper()
	var out []chunk
	scanner := bufio.NewScanner(body)
	for scanner.Scan() {
		var c chunk
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			t.Fatalf("line %q is not JSON: %v", scanner.Text(), err)
		}
		out = append(out, c)
	}
	return out
}

func TestStreamsTheChunksInOrderWithTheirTimes(t *testing.T) {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?name=Ada&chunks=3", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/x-ndjson" {
		t.Fatalf("got %d %v", rec.Code, rec.Header())
	}
	if got := rec.Header().Get("Set-Cookie"); got != "streamed=1; Path=/; HttpOnly" {
		t.Errorf("Set-Cookie = %q", got)
	}
	if !rec.Flushed {
		t.Error("the chunks were not flushed")
	}
	lines := decodeLines(t, rec.Body)
	if len(lines) != 3 {
		t.Fatalf("got %d lines", len(lines))
	}
	for i, c := range lines {
		if c.Chunk != i+1 || c.Of != 3 || c.Message != "Hello, Ada!" {
			t.Errorf("line %d: %+v", i, c)
		}
		if i > 0 && c.AtMs < lines[i-1].AtMs {
			t.Errorf("line %d was written before line %d", i, i-1)
		}
	}
}

func TestSendsFourChunksToTheWorldByDefault(t *testing.T) {
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	lines := decodeLines(t, rec.Body)
	if len(lines) != defaultChunks || lines[0].Message != "Hello, world!" {
		t.Errorf("got %+v", lines)
	}
}

func TestRejectsABadChunkCount(t *testing.T) {
	for _, bad := range []string{"0", "21", "many"} {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?chunks="+bad, nil))
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "chunks") {
			t.Errorf("chunks=%s: got %d %s", bad, rec.Code, rec.Body)
		}
	}
}

// The sample event is what `svl invoke` sends: a real function URL payload, served through
// lambdaurl.Wrap as the Lambda runtime serves it.
func TestHandlesTheSampleEventThroughLambdaurl(t *testing.T) {
	raw, err := os.ReadFile("events/get.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.LambdaFunctionURLRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	res, err := lambdaurl.Wrap(s)(context.Background(), &req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Headers["Content-Type"] != "application/x-ndjson" {
		t.Errorf("got %d %v", res.StatusCode, res.Headers)
	}
	if len(res.Cookies) != 1 || res.Cookies[0] != "streamed=1; Path=/; HttpOnly" {
		t.Errorf("cookies = %v", res.Cookies)
	}
	lines := decodeLines(t, res.Body)
	if len(lines) != 3 || lines[2].Message != "Hello, Ada!" {
		t.Errorf("got %+v", lines)
	}
}

package main

// A streamed response for a function URL with InvokeMode RESPONSE_STREAM.
//
// GET /?name=Ada&chunks=4 answers 200 at once, then writes one JSON line per chunk, interval
// apart, each with the time it was written (at_ms, Unix milliseconds), so a client can see the
// first line arrive before the last is written. A bad chunks gets a 400, not a Lambda error.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

const (
	defaultChunks = 4
	maxChunks     = 20
)

type streamer struct {
	greeting string
	interval time.Duration
}

type chunk struct {
	Chunk   int    `json:"chunk"`
	Of      int    `json:"of"`
	Message string `json:"message"`
	AtMs    int64  `json:"at_ms"`
}

// ServeHTTP streams the chunks; lambdaurl sends the status, headers and cookies before the first one.
func (s streamer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	name := query.Get("name")
	if !query.Has("name") {
		name = "world"
	}
	count := defaultChunks
	if raw := query.Get("chunks"); query.Has("chunks") {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxChunks {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("'chunks' must be a number from 1 to %d", maxChunks))
			return
		}
		count = n
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	// lambdaurl sends Set-Cookie as the prelude's cookies, which the function URL turns back into headers.
	http.SetCookie(w, &http.Cookie{Name: "streamed", Value: "1", Path: "/", HttpOnly: true})
	w.WriteHeader(http.StatusOK)
	encoder := json.NewEncoder(w)
	message := s.greeting + ", " + name + "!"
	for i := 1; i <= count; i++ {
		if i > 1 {
			select {
			case <-time.After(s.interval):
			case <-r.Context().Done():
				return // the invocation ended (timeout): stop writing
			}
		}
		if err := encoder.Encode(chunk{Chunk: i, Of: count, Message: message, AtMs: time.Now().UnixMilli()}); err != nil {
			return
		}
		// lambdaurl's writer is unbuffered; under net/http (and httptest) this sends the chunk now.
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

func writeError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": message})
}

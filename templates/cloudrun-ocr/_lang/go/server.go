package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"strconv"
	"time"
)

// ocrResponse is the 200 body: { text, lines?, language?, model, engine, durationMs }.
type ocrResponse struct {
	Result
	Engine     string `json:"engine"`
	DurationMs int64  `json:"durationMs"`
}

type server struct {
	cfg       Config
	engine    Engine
	log       *slog.Logger
	admission chan struct{} // requests being served or queued; full → 429
}

func newServer(cfg Config, engine Engine, log *slog.Logger) *server {
	return &server{cfg: cfg, engine: engine, log: log, admission: make(chan struct{}, cfg.MaxConcurrent+cfg.QueueSize)}
}

func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "engine": s.engine.Name()})
	})
	mux.HandleFunc("POST /v1/ocr", s.ocr)
	return mux
}

func (s *server) ocr(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	select {
	case s.admission <- struct{}{}:
		defer func() { <-s.admission }()
	default:
		s.fail(w, r, &apiError{Status: http.StatusTooManyRequests, Code: "queue_full",
			Message: "too many requests in flight on this instance", RetryAfter: time.Second})
		return
	}
	image, err := s.readImage(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mimeType, ok := sniffImage(image)
	if !ok {
		s.fail(w, r, &apiError{Status: http.StatusUnsupportedMediaType, Code: "not_an_image",
			Message: "send PNG, JPEG, WebP, HEIC/HEIF or PDF bytes"})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestBudget)
	defer cancel()
	res, err := s.engine.Recognize(ctx, image, mimeType)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ms := time.Since(start).Milliseconds()
	s.log.Info("ocr done", append(traceAttr(r, s.cfg.Project),
		"engine", s.engine.Name(), "mime", mimeType, "bytes", len(image), "durationMs", ms)...)
	writeJSON(w, http.StatusOK, ocrResponse{Result: res, Engine: s.engine.Name(), DurationMs: ms})
}

// readImage takes the raw body, or the multipart field "file", bounded by the upload limit.
func (s *server) readImage(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	var image []byte
	var err error
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "multipart/form-data" {
		image, err = readMultipartFile(r)
	} else {
		image, err = io.ReadAll(r.Body)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
			Message: "upload is over " + strconv.FormatInt(s.cfg.MaxUploadBytes, 10) + " bytes (OCR_MAX_UPLOAD_BYTES)"}
	case err != nil:
		return nil, err
	case len(image) == 0:
		return nil, &apiError{Status: http.StatusBadRequest, Code: "empty_body", Message: "the request has no image bytes"}
	}
	return image, nil
}

func readMultipartFile(r *http.Request) ([]byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, &apiError{Status: http.StatusBadRequest, Code: "bad_multipart", Message: err.Error()}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, &apiError{Status: http.StatusBadRequest, Code: "missing_file", Message: "multipart body has no field named file"}
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return nil, err
			}
			return nil, &apiError{Status: http.StatusBadRequest, Code: "bad_multipart", Message: err.Error()}
		}
		if part.FormName() == "file" {
			return io.ReadAll(part)
		}
	}
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: "could not read the request body"}
	}
	level := slog.LevelWarn
	if e.Status >= 500 {
		level = slog.LevelError
	}
	attrs := append(traceAttr(r, s.cfg.Project), "code", e.Code, "status", e.Status)
	if e.Cause != nil {
		attrs = append(attrs, "cause", e.Cause.Error())
	}
	s.log.Log(r.Context(), level, e.Message, attrs...)
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	}
	writeJSON(w, e.Status, map[string]any{"error": map[string]string{"code": e.Code, "message": e.Message}})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

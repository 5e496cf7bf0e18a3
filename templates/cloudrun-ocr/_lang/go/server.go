package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"time"
)

// ocrResponse is the 200 body: { text, lines?, language?, model, engine, durationMs }.
type ocrResponse struct {
	Result
	Engine     string `json:"engine"`
	DurationMs int64  `json:"durationMs"`
}

// server admits by bytes, not by requests: bodies are charged to receive as they arrive, and the
// extra memory an engine needs to work on one is charged to work before it starts. The halves are
// separate so bodies waiting for work can never starve the work they wait for.
type server struct {
	cfg     Config
	engine  Engine
	log     *slog.Logger
	receive *receiveBudget
	work    *fifo
}

func newServer(cfg Config, engine Engine, log *slog.Logger) *server {
	return &server{
		cfg: cfg, engine: engine, log: log,
		receive: &receiveBudget{size: cfg.MemoryBudget / 2},
		work:    newFIFO(cfg.MemoryBudget-cfg.MemoryBudget/2, cfg.QueueSize),
	}
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
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestBudget)
	defer cancel()
	// A client that reads the answer slowly must not hold the request's memory forever.
	_ = http.NewResponseController(w).SetWriteDeadline(start.Add(s.cfg.BodyTimeout + s.cfg.RequestBudget + 10*time.Second))
	up := &upload{budget: s.receive}
	defer up.free()
	if err := s.readUpload(w, r, up); err != nil {
		w.Header().Set("Connection", "close") // the rest of the body is not worth reading
		s.fail(w, r, err)
		return
	}
	mimeType, ok := sniffImage(up.head())
	if !ok {
		s.fail(w, r, &apiError{Status: http.StatusUnsupportedMediaType, Code: "not_an_image",
			Message: "send PNG, JPEG, WebP, TIFF, HEIC/HEIF or PDF bytes"})
		return
	}
	if err := s.engine.Check(mimeType, up.size); err != nil {
		s.fail(w, r, err)
		return
	}
	pixels, err := imagePixels(up.reader(), mimeType, s.cfg.MaxPixels)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cost := s.engine.WorkCost(up.size, pixels) + up.size // + the joined copy of the chunks
	if err := s.admit(ctx, cost); err != nil {
		s.fail(w, r, err)
		return
	}
	defer s.work.release(cost)
	image := up.bytes()
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

// admit waits, first come first served, until the work budget can take cost.
func (s *server) admit(ctx context.Context, cost int64) error {
	if cost > s.work.size {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large_for_instance",
			Message: fmt.Sprintf("this image needs ~%d MiB to process, more than this instance has for one request; lower OCR_MAX_PIXELS or the upload, or raise OCR_MEMORY_LIMIT_MIB (the service's memory)", cost>>20)}
	}
	err := s.work.acquire(ctx, cost)
	switch {
	case errors.Is(err, errQueueFull):
		return errQueue()
	case err != nil:
		return errTimeout()
	}
	return nil
}

// readUpload takes the raw body, or the multipart field "file", bounded by the upload limit, the
// body deadline and the receive budget.
func (s *server) readUpload(w http.ResponseWriter, r *http.Request, up *upload) error {
	tooLarge := &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: "upload is over " + strconv.FormatInt(s.cfg.MaxUploadBytes, 10) + " bytes (OCR_MAX_UPLOAD_BYTES)"}
	if r.ContentLength > s.cfg.MaxUploadBytes {
		return tooLarge
	}
	rc := http.NewResponseController(w)
	// ErrNotSupported only under test recorders; real connections always take a deadline.
	_ = rc.SetReadDeadline(time.Now().Add(s.cfg.BodyTimeout))
	// Past the body, an expired read deadline would cancel the request's context.
	defer func() { _ = rc.SetReadDeadline(time.Time{}) }()
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	var err error
	if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "multipart/form-data" {
		err = readMultipartFile(r, up)
	} else {
		err = up.readFrom(r.Body, r.ContentLength)
	}
	var tooBig *http.MaxBytesError
	var apiErr *apiError
	switch {
	case errors.As(err, &tooBig):
		return tooLarge
	case errors.Is(err, errBusy):
		return &apiError{Status: http.StatusTooManyRequests, Code: "busy",
			Message: "this instance is receiving as many bytes as it can hold", RetryAfter: time.Second}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return &apiError{Status: http.StatusRequestTimeout, Code: "body_timeout",
			Message: fmt.Sprintf("the upload did not arrive within %d ms (OCR_BODY_TIMEOUT_MS)", s.cfg.BodyTimeout.Milliseconds())}
	case errors.As(err, &apiErr):
		return err
	case err != nil:
		return &apiError{Status: http.StatusBadRequest, Code: "bad_request", Message: "could not read the request body", Cause: err}
	case up.size == 0:
		return &apiError{Status: http.StatusBadRequest, Code: "empty_body", Message: "the request has no image bytes"}
	}
	return nil
}

func readMultipartFile(r *http.Request, up *upload) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return &apiError{Status: http.StatusBadRequest, Code: "bad_multipart", Message: err.Error()}
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return &apiError{Status: http.StatusBadRequest, Code: "missing_file", Message: "multipart body has no field named file"}
		}
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig), errors.Is(err, os.ErrDeadlineExceeded):
			return err
		case err != nil:
			return &apiError{Status: http.StatusBadRequest, Code: "bad_multipart", Message: "the multipart body is malformed", Cause: err}
		case part.FormName() == "file":
			return up.readFrom(part, -1)
		}
	}
}

func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "the request failed", Cause: err}
	}
	level := slog.LevelWarn
	if e.Status >= 500 {
		level = slog.LevelError
	}
	attrs := append(traceAttr(r, s.cfg.Project), "code", e.Code, "status", e.Status)
	if e.Reason != "" {
		attrs = append(attrs, "reason", e.Reason)
	}
	if e.Cause != nil {
		attrs = append(attrs, "cause", e.Cause.Error())
	}
	s.log.Log(r.Context(), level, e.Message, attrs...)
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(e.RetryAfter.Seconds())))))
	}
	body := map[string]string{"code": e.Code, "message": e.Message}
	if e.Reason != "" {
		body["reason"] = e.Reason
	}
	writeJSON(w, e.Status, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

package main

import (
	"context"
	"net/http"
	"time"
)

// Result is what every engine returns; the handler adds engine and duration.
type Result struct {
	Text     string   `json:"text"`
	Lines    []string `json:"lines,omitempty"`
	Language string   `json:"language,omitempty"`
	Model    string   `json:"model"`
}

// Engine turns image bytes of a sniffed MIME type into text.
type Engine interface {
	Name() string
	// Check refuses what this engine cannot take before any memory is spent on it.
	Check(mime string, size int64) error
	// WorkCost estimates the memory (bytes) recognizing an upload of size bytes and pixels pixels
	// (0: unknown) takes beyond the upload itself; it is charged to the work budget.
	WorkCost(size, pixels int64) int64
	Recognize(ctx context.Context, image []byte, mime string) (Result, error)
}

// apiError is an error the client sees as JSON: { "error": { "code", "message", "reason"? } } with Status.
type apiError struct {
	Status     int
	Code       string
	Message    string
	Reason     string        // the model's finish or block reason, when it stopped
	RetryAfter time.Duration // sent as Retry-After when > 0
	Cause      error         // logged for operators, never sent to the client
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errUnusable(msg string, cause error) *apiError {
	return &apiError{Status: http.StatusBadGateway, Code: "model_answer_unusable", Message: msg, Cause: cause}
}

func errTimeout() *apiError {
	return &apiError{Status: http.StatusGatewayTimeout, Code: "engine_timeout", Message: "the OCR engine did not answer in time"}
}

func errBadImage(cause error) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "bad_image", Message: "the image could not be decoded", Cause: cause}
}

func errQueue() *apiError {
	return &apiError{Status: http.StatusTooManyRequests, Code: "queue_full",
		Message: "too many requests waiting on this instance", RetryAfter: time.Second}
}

func errUnsupported(mime, hint string) *apiError {
	return &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_by_engine", Message: mime + " " + hint}
}

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
	Recognize(ctx context.Context, image []byte, mime string) (Result, error)
}

// apiError is an error the client sees as JSON: { "error": { "code", "message" } } with Status.
type apiError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // sent as Retry-After when > 0
	Cause      error         // logged for operators, never sent to the client
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func errUnusable(msg string) *apiError {
	return &apiError{Status: http.StatusBadGateway, Code: "model_answer_unusable", Message: msg}
}

func errTimeout() *apiError {
	return &apiError{Status: http.StatusGatewayTimeout, Code: "engine_timeout", Message: "the OCR engine did not answer in time"}
}

package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"strings"
	"time"

	"google.golang.org/genai"
)

const ocrPrompt = "Transcribe all text in this image exactly as written, preserving line breaks. " +
	"Do not translate, summarize or describe the image. If there is no text, return an empty string."

// ocrSchema makes the model answer JSON we can parse instead of prose.
var ocrSchema = &genai.Schema{
	Type: genai.TypeObject,
	Properties: map[string]*genai.Schema{
		"text":     {Type: genai.TypeString, Description: "all text, lines separated by \\n"},
		"lines":    {Type: genai.TypeArray, Items: &genai.Schema{Type: genai.TypeString}},
		"language": {Type: genai.TypeString, Description: "BCP-47 code of the main language"},
	},
	Required: []string{"text"},
}

type geminiEngine struct {
	client      *genai.Client
	model       string
	callTimeout time.Duration
	maxRetries  int
	slots       chan struct{} // global cap on Gemini calls in flight
}

// newGeminiEngine uses GEMINI_API_KEY when set, otherwise Vertex AI with application default
// credentials (GOOGLE_GENAI_USE_VERTEXAI=true, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION).
func newGeminiEngine(ctx context.Context, cfg Config) (*geminiEngine, error) {
	cc := &genai.ClientConfig{HTTPOptions: genai.HTTPOptions{BaseURL: cfg.BaseURL}}
	switch {
	case os.Getenv("GEMINI_API_KEY") != "":
		cc.Backend = genai.BackendGeminiAPI
		cc.APIKey = os.Getenv("GEMINI_API_KEY")
		// The default transport keeps 2 idle connections per host: under load every other call
		// would pay a new TLS handshake.
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.MaxIdleConnsPerHost = cfg.MaxConcurrent
		cc.HTTPClient = &http.Client{Transport: transport}
	case strings.EqualFold(os.Getenv("GOOGLE_GENAI_USE_VERTEXAI"), "true"):
		cc.Backend = genai.BackendVertexAI
		cc.Project = cfg.Project
		cc.Location = envOr("GOOGLE_CLOUD_LOCATION", "global")
	default:
		return nil, errors.New("OCR_ENGINE=gemini needs GEMINI_API_KEY, or GOOGLE_GENAI_USE_VERTEXAI=true with application default credentials; use OCR_ENGINE=tesseract to work offline")
	}
	client, err := genai.NewClient(ctx, cc)
	if err != nil {
		return nil, fmt.Errorf("gemini client: %w", err)
	}
	return &geminiEngine{
		client:      client,
		model:       cfg.Model,
		callTimeout: cfg.CallTimeout,
		maxRetries:  cfg.MaxRetries,
		slots:       make(chan struct{}, cfg.MaxConcurrent),
	}, nil
}

func (g *geminiEngine) Name() string { return "gemini" }

func (g *geminiEngine) Recognize(ctx context.Context, image []byte, mime string) (Result, error) {
	select {
	case g.slots <- struct{}{}:
		defer func() { <-g.slots }()
	case <-ctx.Done():
		return Result{}, errTimeout()
	}
	contents := []*genai.Content{genai.NewContentFromParts([]*genai.Part{
		genai.NewPartFromBytes(image, mime),
		genai.NewPartFromText(ocrPrompt),
	}, genai.RoleUser)}
	config := &genai.GenerateContentConfig{
		Temperature:      genai.Ptr[float32](0),
		ResponseMIMEType: "application/json",
		ResponseSchema:   ocrSchema,
	}
	for attempt := 0; ; attempt++ {
		callCtx, cancel := context.WithTimeout(ctx, g.callTimeout)
		resp, err := g.client.Models.GenerateContent(callCtx, g.model, contents, config)
		cancel()
		if err == nil {
			return g.parse(resp)
		}
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return Result{}, errTimeout()
		}
		var apiErr genai.APIError
		if !errors.As(err, &apiErr) {
			return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_unreachable", Message: "could not reach the model", Cause: err}
		}
		retryable := apiErr.Code == http.StatusTooManyRequests || apiErr.Code >= 500
		if !retryable {
			return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_rejected_request",
				Message: fmt.Sprintf("the model answered %d %s", apiErr.Code, apiErr.Status), Cause: apiErr}
		}
		delay := retryDelay(apiErr.Details, attempt)
		deadline, hasDeadline := ctx.Deadline()
		if attempt >= g.maxRetries || (hasDeadline && time.Until(deadline) < delay) {
			if apiErr.Code == http.StatusTooManyRequests {
				return Result{}, &apiError{Status: http.StatusServiceUnavailable, Code: "model_overloaded",
					Message: "the model keeps answering 429; retry later", RetryAfter: max(delay, time.Second)}
			}
			return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_unavailable",
				Message: fmt.Sprintf("the model answered %d after %d attempts", apiErr.Code, attempt+1)}
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return Result{}, errTimeout()
		}
	}
}

// retryDelay honours google.rpc.RetryInfo (retryDelay like "1.5s") when the error carries one,
// otherwise backs off exponentially from 500 ms.
func retryDelay(details []map[string]any, attempt int) time.Duration {
	for _, d := range details {
		if t, _ := d["@type"].(string); strings.HasSuffix(t, "google.rpc.RetryInfo") {
			if s, ok := d["retryDelay"].(string); ok {
				if delay, err := time.ParseDuration(s); err == nil && delay >= 0 {
					return delay
				}
			}
		}
	}
	return time.Duration(500*math.Pow(2, float64(attempt))) * time.Millisecond
}

func (g *geminiEngine) parse(resp *genai.GenerateContentResponse) (Result, error) {
	raw := resp.Text()
	if raw == "" {
		return Result{}, errUnusable("the model returned no text")
	}
	var answer struct {
		Text     *string  `json:"text"`
		Lines    []string `json:"lines"`
		Language string   `json:"language"`
	}
	if err := json.Unmarshal([]byte(raw), &answer); err != nil || answer.Text == nil {
		return Result{}, errUnusable("the model's answer is not the requested JSON")
	}
	model := resp.ModelVersion
	if model == "" {
		model = g.model
	}
	return Result{Text: *answer.Text, Lines: answer.Lines, Language: answer.Language, Model: model}, nil
}

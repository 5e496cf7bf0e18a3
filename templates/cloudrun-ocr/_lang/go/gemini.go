package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/genai"
)

const ocrPrompt = "Transcribe all text in this image exactly as written, preserving line breaks. " +
	"Do not translate, summarize or describe the image. If there is no text, return an empty string."

// geminiCopies is how many upload-sized buffers one call holds at its peak beyond the upload:
// the SDK marshals the request to JSON, decodes it into a map (base64 string), re-encodes it into
// the HTTP body, and JSON buffers grow by doubling. Measured on the built binary with GC off: one
// 14 MB (or 5 MB) request raises VmHWM by 8.9 (9.3) × the upload = chunks + joined copy + these 7.
const geminiCopies = 7

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
	client       *genai.Client
	model        string
	callTimeout  time.Duration
	maxRetries   int
	maxRetryWait time.Duration
	slots        *fifo         // global cap on Gemini calls in flight
	limiter      *rate.Limiter // GEMINI_RPM, so a burst does not spend the project's quota at once
	breaker      *breaker
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
	perSecond := float64(cfg.GeminiRPM) / 60
	return &geminiEngine{
		client:       client,
		model:        cfg.Model,
		callTimeout:  cfg.CallTimeout,
		maxRetries:   cfg.MaxRetries,
		maxRetryWait: cfg.MaxRetryWait,
		slots:        newFIFO(int64(cfg.MaxConcurrent), cfg.QueueSize),
		limiter:      rate.NewLimiter(rate.Limit(perSecond), max(1, int(perSecond))),
		breaker:      newBreaker(),
	}, nil
}

func (g *geminiEngine) Name() string { return "gemini" }

func (g *geminiEngine) Check(mime string, size int64) error {
	if mime == "image/tiff" {
		return errUnsupported(mime, "needs OCR_ENGINE=tesseract; Gemini reads PNG, JPEG, WebP, HEIC/HEIF and PDF")
	}
	if inline := (size+2)/3*4 + requestOverhead; inline > geminiInlineLimit {
		return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large_for_model",
			Message: fmt.Sprintf("the image is %d bytes as base64, over Gemini's 20 MB inline request limit", inline)}
	}
	return nil
}

func (g *geminiEngine) WorkCost(size, _ int64) int64 { return geminiCopies*size + 64<<10 }

func (g *geminiEngine) Recognize(ctx context.Context, image []byte, mime string) (Result, error) {
	if wait := g.breaker.openFor(); wait > 0 {
		return Result{}, errOverloaded(wait)
	}
	if err := g.slots.acquire(ctx, 1); err != nil {
		if errors.Is(err, errQueueFull) {
			return Result{}, errQueue()
		}
		return Result{}, errTimeout()
	}
	defer g.slots.release(1)
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
		if ok, wait := g.breaker.allow(); !ok {
			return Result{}, errOverloaded(wait)
		}
		if err := g.waitForToken(ctx); err != nil {
			g.breaker.abandoned()
			return Result{}, err
		}
		callCtx, cancel := context.WithTimeout(ctx, g.callTimeout)
		resp, err := g.client.Models.GenerateContent(callCtx, g.model, contents, config)
		cancel()
		if err == nil {
			g.breaker.answered()
			return g.parse(resp)
		}
		var apiErr genai.APIError
		var netErr *url.Error
		switch {
		case errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil:
			g.breaker.abandoned()
			return Result{}, errTimeout()
		case errors.As(err, &netErr):
			g.breaker.abandoned()
			return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_unreachable", Message: "could not reach the model", Cause: err}
		case !errors.As(err, &apiErr):
			// Gemini answered, but not with generateContent JSON.
			g.breaker.answered()
			return Result{}, errUnusable("the model's answer is not generateContent JSON", shortError(err))
		}
		overload := apiErr.Code == http.StatusTooManyRequests || apiErr.Code == http.StatusServiceUnavailable ||
			apiErr.Status == "RESOURCE_EXHAUSTED" || apiErr.Status == "UNAVAILABLE"
		hinted := retryInfoDelay(apiErr.Details)
		var delay time.Duration
		switch {
		case overload:
			delay = g.breaker.overloaded(hinted)
		case apiErr.Code >= 500:
			g.breaker.answered()
			delay = hinted
			if delay == 0 {
				delay = time.Duration(500*math.Pow(2, float64(attempt))) * time.Millisecond
			}
		default:
			g.breaker.answered()
			return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_rejected_request",
				Message: fmt.Sprintf("the model answered %d %s", apiErr.Code, apiErr.Status), Cause: apiErr}
		}
		deadline, hasDeadline := ctx.Deadline()
		if attempt >= g.maxRetries || delay > g.maxRetryWait || (hasDeadline && time.Until(deadline) < delay+g.callTimeout) {
			if overload {
				return Result{}, errOverloaded(delay)
			}
			return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_unavailable",
				Message: fmt.Sprintf("the model answered %d after %d attempts", apiErr.Code, attempt+1), Cause: apiErr}
		}
		timer := time.NewTimer(delay)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return Result{}, errTimeout()
		}
	}
}

// waitForToken waits for the rate limiter only while the request can still be answered in time.
func (g *geminiEngine) waitForToken(ctx context.Context) error {
	r := g.limiter.Reserve()
	wait := r.Delay()
	if wait == 0 {
		return nil
	}
	deadline, hasDeadline := ctx.Deadline()
	if wait > g.maxRetryWait || (hasDeadline && time.Until(deadline) < wait+g.callTimeout) {
		r.Cancel()
		return &apiError{Status: http.StatusServiceUnavailable, Code: "rate_limited",
			Message: "this instance is at GEMINI_RPM; retry later", RetryAfter: wait}
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		r.Cancel()
		return errTimeout()
	}
}

func errOverloaded(wait time.Duration) *apiError {
	return &apiError{Status: http.StatusServiceUnavailable, Code: "model_overloaded",
		Message: "the model is overloaded or out of quota; retry later", RetryAfter: max(wait, time.Second)}
}

// retryInfoDelay is google.rpc.RetryInfo's retryDelay (like "1.5s"), or 0 when the error has none.
func retryInfoDelay(details []map[string]any) time.Duration {
	for _, d := range details {
		if t, _ := d["@type"].(string); strings.HasSuffix(t, "google.rpc.RetryInfo") {
			if s, ok := d["retryDelay"].(string); ok {
				if delay, err := time.ParseDuration(s); err == nil && delay > 0 {
					return delay
				}
			}
		}
	}
	return 0
}

// refusals are finish and block reasons that mean the model will not transcribe this image.
var refusals = map[string]bool{
	"SAFETY": true, "RECITATION": true, "BLOCKLIST": true, "PROHIBITED_CONTENT": true, "SPII": true,
	"IMAGE_SAFETY": true, "LANGUAGE": true, "OTHER": true,
}

func (g *geminiEngine) parse(resp *genai.GenerateContentResponse) (Result, error) {
	if pf := resp.PromptFeedback; pf != nil && pf.BlockReason != "" && pf.BlockReason != "BLOCKED_REASON_UNSPECIFIED" {
		return Result{}, errRefused(string(pf.BlockReason))
	}
	if len(resp.Candidates) == 0 || resp.Candidates[0] == nil {
		return Result{}, errUnusable("the model returned no candidates", nil)
	}
	switch reason := string(resp.Candidates[0].FinishReason); {
	case refusals[reason]:
		return Result{}, errRefused(reason)
	case reason == "MAX_TOKENS":
		return Result{}, &apiError{Status: http.StatusBadGateway, Code: "model_answer_truncated",
			Message: "the model stopped: MAX_TOKENS", Reason: reason}
	}
	raw := resp.Text()
	if raw == "" {
		return Result{}, errUnusable("the model returned no text", nil)
	}
	var answer struct {
		Text     *string  `json:"text"`
		Lines    []string `json:"lines"`
		Language string   `json:"language"`
	}
	if err := json.Unmarshal([]byte(raw), &answer); err != nil || answer.Text == nil {
		return Result{}, errUnusable("the model's answer is not the requested JSON", nil)
	}
	model := resp.ModelVersion
	if model == "" {
		model = g.model
	}
	return Result{Text: *answer.Text, Lines: answer.Lines, Language: answer.Language, Model: model}, nil
}

func errRefused(reason string) *apiError {
	return &apiError{Status: http.StatusUnprocessableEntity, Code: "model_refused",
		Message: "the model stopped: " + reason, Reason: reason}
}

// shortError keeps a log line's cause short: the SDK quotes the whole unparsable body.
func shortError(err error) error {
	s := err.Error()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return errors.New(s)
}

package main

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
)

// newLogger writes one JSON object per line in the shape Cloud Logging parses from stdout:
// "severity" and "message" instead of slog's "level" and "msg".
func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.LevelKey:
				a.Key = "severity"
				if lvl, ok := a.Value.Any().(slog.Level); ok && lvl == slog.LevelWarn {
					a.Value = slog.StringValue("WARNING")
				}
			case slog.MessageKey:
				a.Key = "message"
			}
			return a
		},
	}))
}

// traceAttr links a log line to the request's trace: X-Cloud-Trace-Context is
// "TRACE_ID/SPAN_ID;o=OPTIONS" (https://cloud.google.com/trace/docs/trace-context).
func traceAttr(r *http.Request, project string) []any {
	header := r.Header.Get("X-Cloud-Trace-Context")
	traceID, _, _ := strings.Cut(header, "/")
	if traceID == "" || project == "" {
		return nil
	}
	return []any{slog.String("logging.googleapis.com/trace", "projects/"+project+"/traces/"+traceID)}
}

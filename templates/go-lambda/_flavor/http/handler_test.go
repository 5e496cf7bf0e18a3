package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

var h = handler{greeting: "Hello"}

func request(method, body string, query map[string]string) events.LambdaFunctionURLRequest {
	req := events.LambdaFunctionURLRequest{Version: "2.0", RawPath: "/", Body: body, QueryStringParameters: query}
	req.RequestContext.HTTP.Method = method
	return req
}

func call(t *testing.T, req events.LambdaFunctionURLRequest) (int, map[string]any) {
	t.Helper()
	res, err := h.Handle(context.Background(), req)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	if got := res.Headers["content-type"]; got != "application/json" {
		t.Errorf("content-type = %q, want application/json", got)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(res.Body), &body); err != nil {
		t.Fatalf("response body is not JSON: %q", res.Body)
	}
	return res.StatusCode, body
}

func TestGreetsByName(t *testing.T) {
	status, body := call(t, request(http.MethodGet, "", map[string]string{"name": "Ada"}))
	if status != http.StatusOK || body["message"] != "Hello, Ada!" {
		t.Errorf("got %d %v", status, body)
	}
}

func TestGreetsTheWorldWithoutAName(t *testing.T) {
	if _, body := call(t, request(http.MethodGet, "", nil)); body["message"] != "Hello, world!" {
		t.Errorf("got %v", body)
	}
}

func TestRejectsAnEmptyName(t *testing.T) {
	status, body := call(t, request(http.MethodGet, "", map[string]string{"name": " "}))
	if status != http.StatusBadRequest || !strings.Contains(body["error"].(string), "name") {
		t.Errorf("got %d %v", status, body)
	}
}

func TestEchoesAJSONBody(t *testing.T) {
	status, body := call(t, request(http.MethodPost, `{"answer":42}`, nil))
	want := map[string]any{"echo": map[string]any{"answer": 42.0}}
	if status != http.StatusOK || !reflect.DeepEqual(body, want) {
		t.Errorf("got %d %v", status, body)
	}
}

func TestDecodesABase64Body(t *testing.T) {
	req := request(http.MethodPost, base64.StdEncoding.EncodeToString([]byte(`[1,2]`)), nil)
	req.IsBase64Encoded = true
	if _, body := call(t, req); !reflect.DeepEqual(body["echo"], []any{1.0, 2.0}) {
		t.Errorf("got %v", body)
	}
}

func TestRejectsBadBodies(t *testing.T) {
	for body, want := range map[string]string{"": "send a JSON body", "answer=42": "body is not valid JSON"} {
		status, got := call(t, request(http.MethodPost, body, nil))
		if status != http.StatusBadRequest || !strings.HasPrefix(got["error"].(string), want) {
			t.Errorf("body %q: got %d %v", body, status, got)
		}
	}
}

func TestRefusesOtherMethods(t *testing.T) {
	if status, _ := call(t, request(http.MethodDelete, "", nil)); status != http.StatusMethodNotAllowed {
		t.Errorf("got %d", status)
	}
}

// The sample events are what `svl invoke` sends: real function URL payloads (format 2.0).
func TestHandlesTheSampleEvents(t *testing.T) {
	cases := map[string]map[string]any{
		"events/get.json":  {"message": "Hello, Ada!"},
		"events/post.json": {"echo": map[string]any{"name": "Ada", "language": "go"}},
	}
	for file, want := range cases {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var req events.LambdaFunctionURLRequest
		if err := json.Unmarshal(raw, &req); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if status, body := call(t, req); status != http.StatusOK || !reflect.DeepEqual(body, want) {
			t.Errorf("%s: got %d %v", file, status, body)
		}
	}
}

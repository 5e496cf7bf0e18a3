package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

var h = handler{greeting: "Hello"}

func TestGreetsByName(t *testing.T) {
	res, err := h.Handle(context.Background(), Request{Name: "  Ada "})
	if err != nil || res.Message != "Hello, Ada!" {
		t.Errorf("got %+v, %v", res, err)
	}
}

func TestRejectsBadNamesWithATypedError(t *testing.T) {
	for name, want := range map[string]string{
		" ":                      "'name' must not be empty",
		strings.Repeat("a", 101): "'name' has 101 characters; at most 100 are allowed",
	} {
		_, err := h.Handle(context.Background(), Request{Name: name})
		var invalid *InvalidNameError
		if !errors.As(err, &invalid) || err.Error() != want {
			t.Errorf("name %q: got %v, want InvalidNameError %q", name, err, want)
		}
	}
}

func TestSerializesTheResponseAsTheCallerSeesIt(t *testing.T) {
	res, _ := h.Handle(context.Background(), Request{Name: "Ada"})
	out, err := json.Marshal(res)
	if err != nil || string(out) != `{"message":"Hello, Ada!"}` {
		t.Errorf("got %s, %v", out, err)
	}
}

// The sample events are what `svl invoke` sends.
func TestHandlesTheSampleEvents(t *testing.T) {
	read := func(file string) Request {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var req Request
		if err := json.Unmarshal(raw, &req); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return req
	}
	if res, err := h.Handle(context.Background(), read("events/greet.json")); err != nil || res.Message != "Hello, Ada!" {
		t.Errorf("greet.json: got %+v, %v", res, err)
	}
	if _, err := h.Handle(context.Background(), read("events/empty-name.json")); err == nil {
		t.Error("empty-name.json: want an InvalidNameError")
	}
}

package main

// Event logic: {"name": "Ada"} in, {"message": "Hello, Ada!"} out.
//
// Invalid input is a typed error: Lambda reports its type name as errorType (here
// "InvalidNameError") with the message, to the caller and to retries, DLQs and destinations.

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxNameChars bounds responses (and logs).
const maxNameChars = 100

// Request is the event this function accepts.
type Request struct {
	Name string `json:"name"`
}

// Response is what the function returns.
type Response struct {
	Message string `json:"message"`
}

// InvalidNameError says why a name was refused.
type InvalidNameError struct {
	Reason string
}

func (e *InvalidNameError) Error() string { return "'name' " + e.Reason }

type handler struct {
	greeting string
}

// Handle answers one event.
func (h handler) Handle(_ context.Context, req Request) (Response, error) {
	name := strings.TrimSpace(req.Name)
	if name == "" {
		return Response{}, &InvalidNameError{Reason: "must not be empty"}
	}
	if n := utf8.RuneCountInString(name); n > maxNameChars {
		return Response{}, &InvalidNameError{Reason: fmt.Sprintf("has %d characters; at most %d are allowed", n, maxNameChars)}
	}
	return Response{Message: h.greeting + ", " + name + "!"}, nil
}

package main

// HTTP logic for a function URL or an HTTP API (payload format 2.0).
//
// GET /?name=Ada greets; POST with a JSON body echoes it back. Bad input gets a 4xx JSON error,
// not a Lambda error: the caller made the mistake, the function did not fail.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

type handler struct {
	greeting string
}

// Handle answers one function URL request.
func (h handler) Handle(_ context.Context, req events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	switch req.RequestContext.HTTP.Method {
	case http.MethodGet:
		name, ok := req.QueryStringParameters["name"]
		if !ok {
			name = "world"
		}
		if strings.TrimSpace(name) == "" {
			return errorResponse(http.StatusBadRequest, "query parameter 'name' must not be empty")
		}
		return jsonResponse(http.StatusOK, map[string]string{"message": h.greeting + ", " + name + "!"})
	case http.MethodPost:
		body := []byte(req.Body)
		if req.IsBase64Encoded {
			decoded, err := base64.StdEncoding.DecodeString(req.Body)
			if err != nil {
				return errorResponse(http.StatusBadRequest, "body is not valid base64: "+err.Error())
			}
			body = decoded
		}
		if len(body) == 0 {
			return errorResponse(http.StatusBadRequest, "send a JSON body")
		}
		var value any
		if err := json.Unmarshal(body, &value); err != nil {
			return errorResponse(http.StatusBadRequest, "body is not valid JSON: "+err.Error())
		}
		return jsonResponse(http.StatusOK, map[string]any{"echo": value})
	default:
		return errorResponse(http.StatusMethodNotAllowed, "use GET or POST")
	}
}

func errorResponse(status int, message string) (events.LambdaFunctionURLResponse, error) {
	return jsonResponse(status, map[string]string{"error": message})
}

func jsonResponse(status int, body any) (events.LambdaFunctionURLResponse, error) {
	encoded, err := json.Marshal(body)
	if err != nil {
		return events.LambdaFunctionURLResponse{}, err
	}
	return events.LambdaFunctionURLResponse{
		StatusCode: status,
		Headers:    map[string]string{"content-type": "application/json"},
		Body:       string(encoded),
	}, nil
}

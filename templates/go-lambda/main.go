// Command bootstrap is the Lambda entry point: it wires the handler to the Runtime API.
// The logic lives in handler.go.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	// Read once per cold start, not per request; set it in svl.json "environment".
	greeting := os.Getenv("GREETING")
	if greeting == "" {
		greeting = "Hello"
	}
	lambda.Start(handler{greeting: greeting}.Handle)
}

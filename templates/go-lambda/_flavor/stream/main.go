// Command bootstrap is the Lambda entry point: it serves the handler to a function URL with
// InvokeMode RESPONSE_STREAM through lambdaurl. The logic lives in handler.go.
package main

import (
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambdaurl"
)

// interval is the pause between two chunks.
const interval = 300 * time.Millisecond

func main() {
	// Read once per cold start, not per request; set it in svl.json "environment".
	greeting := os.Getenv("GREETING")
	if greeting == "" {
		greeting = "Hello"
	}
	lambdaurl.Start(streamer{greeting: greeting, interval: interval})
}

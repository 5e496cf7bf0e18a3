// Command bootstrap is the Lambda entry point: it wires the handler to the Runtime API.
// The logic lives in handler.go.
package main

import "github.com/aws/aws-lambda-go/lambda"

func main() {
	lambda.Start(Handle)
}

package main

// SQS batch logic with a partial batch response: every message whose body is not a valid order
// is named in BatchItemFailures, so SQS redelivers only those and deletes the rest.
//
// One bad message never fails the whole batch (an error would make SQS redeliver every message,
// the good ones too). The list only counts when the event source mapping sets
// ReportBatchItemFailures (see the README); without it Lambda deletes the whole batch.
// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Order is the message body this function expects: {"orderId": "o-1", "quantity": 2}.
type Order struct {
	OrderID  string `json:"orderId"`
	Quantity int    `json:"quantity"`
}

// Handle processes each message on its own and reports the ones that failed by message ID.
func Handle(_ context.Context, event events.SQSEvent) (events.SQSEventResponse, error) {
	// Not nil: a nil slice would be sent as "batchItemFailures": null.
	failures := []events.SQSBatchItemFailure{}
	fifoFailed := false
	for _, message := range event.Records {
		// FIFO queues keep order within a message group: once one message fails, the later ones
		// must not run before it, so they are reported too and come back after it.
		if fifoFailed {
			failures = append(failures, events.SQSBatchItemFailure{ItemIdentifier: message.MessageId})
			continue
		}
		order, err := process(message)
		if err != nil {
			log.Printf("message %s failed: %v", message.MessageId, err)
			failures = append(failures, events.SQSBatchItemFailure{ItemIdentifier: message.MessageId})
			fifoFailed = strings.HasSuffix(message.EventSourceARN, ".fifo")
			continue
		}
		log.Printf("message %s: order %s x %d processed", message.MessageId, order.OrderID, order.Quantity)
	}
	return events.SQSEventResponse{BatchItemFailures: failures}, nil
}

// process is one message's work; here, parse and check the order.
func process(message events.SQSMessage) (Order, error) {
	var order Order
	if err := json.Unmarshal([]byte(message.Body), &order); err != nil {
		return Order{}, fmt.Errorf("the body is not an order: %w", err)
	}
	if strings.TrimSpace(order.OrderID) == "" {
		return Order{}, errors.New("'orderId' must not be empty")
	}
	if order.Quantity < 1 {
		return Order{}, errors.New("'quantity' must be at least 1")
	}
	return order, nil
}

package main

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func batch(queue string, messages ...[2]string) events.SQSEvent {
	var event events.SQSEvent
	for _, m := range messages {
		event.Records = append(event.Records, events.SQSMessage{
			MessageId:      m[0],
			Body:           m[1],
			EventSource:    "aws:sqs",
			EventSourceARN: "arn:aws:sqs:us-east-1:123456789012:" + queue,
		})
	}
	return event
}

func failedIDs(t *testing.T, event events.SQSEvent) []string {
	t.Helper()
	res, err := Handle(context.Background(), event)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	ids := []string{}
	for _, f := range res.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func TestReportsNoFailuresWhenEveryMessageSucceeds(t *testing.T) {
	got := failedIDs(t, batch("orders", [2]string{"a", `{"orderId":"o-1","quantity":1}`}, [2]string{"b", `{"orderId":"o-2","quantity":3}`}))
	if len(got) != 0 {
		t.Errorf("got failures %v", got)
	}
}

func TestReportsOnlyTheMessagesThatFailed(t *testing.T) {
	got := failedIDs(t, batch("orders",
		[2]string{"ok-1", `{"orderId":"o-1","quantity":1}`},
		[2]string{"not-json", "order o-2, please"},
		[2]string{"ok-2", `{"orderId":"o-3","quantity":2}`},
		[2]string{"zero", `{"orderId":"o-4","quantity":0}`},
	))
	if want := []string{"not-json", "zero"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReportsTheRestOfAFIFOBatchAfterAFailure(t *testing.T) {
	got := failedIDs(t, batch("orders.fifo",
		[2]string{"first", `{"orderId":"o-1","quantity":1}`},
		[2]string{"bad", "{}"},
		[2]string{"after", `{"orderId":"o-2","quantity":1}`},
	))
	if want := []string{"bad", "after"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSaysWhyAMessageFailed(t *testing.T) {
	for body, want := range map[string]string{
		"nope":                            "the body is not an order",
		"":                                "the body is not an order",
		`{"orderId":"o-1"}`:               "'quantity' must be at least 1",
		`{"orderId":" ","quantity":1}`:    "'orderId' must not be empty",
		`{"orderId":"o-1","quantity":-2}`: "'quantity' must be at least 1",
	} {
		_, err := process(events.SQSMessage{Body: body})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("body %q: got %v, want %q", body, err, want)
		}
	}
}

func TestSerializesTheResponseAsLambdaReadsIt(t *testing.T) {
	for event, want := range map[string]string{
		"bad": `{"batchItemFailures":[{"itemIdentifier":"m-1"}]}`,
		"ok":  `{"batchItemFailures":[]}`,
	} {
		body := "{}"
		if event == "ok" {
			body = `{"orderId":"o-1","quantity":1}`
		}
		res, _ := Handle(context.Background(), batch("q", [2]string{"m-1", body}))
		if out, err := json.Marshal(res); err != nil || string(out) != want {
			t.Errorf("%s: got %s, %v; want %s", event, out, err, want)
		}
	}
}

// The sample events are what `svl invoke` sends: real SQS events.
func TestHandlesTheSampleEvents(t *testing.T) {
	cases := map[string][]string{
		"events/batch.json":           {},
		"events/partial-failure.json": {"2e1424d4-f796-459a-8184-9c92662be6da"},
	}
	for file, want := range cases {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var event events.SQSEvent
		if err := json.Unmarshal(raw, &event); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got := failedIDs(t, event); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", file, got, want)
		}
	}
}

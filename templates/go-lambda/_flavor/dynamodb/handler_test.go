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

type image = map[string]events.DynamoDBAttributeValue

func order(id, status string) image {
	return image{"id": events.NewStringAttribute(id), "status": events.NewStringAttribute(status)}
}

func record(sequenceNumber, eventName string, oldImage, newImage image) events.DynamoDBEventRecord {
	return events.DynamoDBEventRecord{
		EventName:   eventName,
		EventSource: "aws:dynamodb",
		Change: events.DynamoDBStreamRecord{
			Keys:           image{"id": events.NewStringAttribute("o-1")},
			OldImage:       oldImage,
			NewImage:       newImage,
			SequenceNumber: sequenceNumber,
			StreamViewType: "NEW_AND_OLD_IMAGES",
		},
	}
}

func failed(t *testing.T, records ...events.DynamoDBEventRecord) []string {
	t.Helper()
	res, err := Handle(context.Background(), events.DynamoDBEvent{Records: records})
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	ids := []string{}
	for _, f := range res.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

func TestHandlesInsertsModifiesAndRemoves(t *testing.T) {
	got := failed(t,
		record("100", "INSERT", nil, order("o-1", "new")),
		record("200", "MODIFY", order("o-1", "new"), order("o-1", "paid")),
		record("300", "REMOVE", order("o-1", "paid"), nil),
	)
	if len(got) != 0 {
		t.Errorf("got failures %v", got)
	}
}

func TestStopsAtTheFirstFailureAndReportsItsSequenceNumber(t *testing.T) {
	got := failed(t,
		record("100", "INSERT", nil, order("o-1", "new")),
		record("200", "INSERT", nil, image{"id": events.NewStringAttribute("o-2")}),
		record("300", "INSERT", nil, image{"nope": events.NewNumberAttribute("1")}),
	)
	if want := []string{"200"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSaysWhyARecordFailed(t *testing.T) {
	cases := map[string]events.DynamoDBEventRecord{
		"the record has no NewImage":     record("1", "INSERT", nil, nil),
		"the record has no OldImage":     record("2", "MODIFY", nil, order("o-1", "paid")),
		"attribute 'id' is not a string": record("3", "REMOVE", image{"id": events.NewNumberAttribute("7"), "status": events.NewStringAttribute("new")}, nil),
		"unknown eventName 'TRUNCATE'":   record("4", "TRUNCATE", nil, nil),
	}
	for want, r := range cases {
		if err := handleRecord(r); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

func TestSerializesTheResponseAsLambdaReadsIt(t *testing.T) {
	for want, records := range map[string][]events.DynamoDBEventRecord{
		`{"batchItemFailures":[{"itemIdentifier":"42"}]}`: {record("42", "INSERT", nil, nil)},
		`{"batchItemFailures":[]}`:                        {record("43", "INSERT", nil, order("o-1", "new"))},
	} {
		res, _ := Handle(context.Background(), events.DynamoDBEvent{Records: records})
		if out, err := json.Marshal(res); err != nil || string(out) != want {
			t.Errorf("got %s, %v; want %s", out, err, want)
		}
	}
}

// The sample events are what `svl invoke` sends: real DynamoDB Streams events.
func TestHandlesTheSampleEvents(t *testing.T) {
	cases := map[string][]string{
		"events/changes.json":         {},
		"events/partial-failure.json": {"222200000000000000000002"},
	}
	for file, want := range cases {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var event events.DynamoDBEvent
		if err := json.Unmarshal(raw, &event); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got := failed(t, event.Records...); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", file, got, want)
		}
	}
}

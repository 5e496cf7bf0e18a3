package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func notification(records ...[2]string) events.S3Event {
	var event events.S3Event
	for _, r := range records {
		var record events.S3EventRecord
		record.EventSource = "aws:s3"
		record.EventName = r[0]
		record.S3.Bucket.Name = "uploads"
		record.S3.Object.Key = r[1]
		record.S3.Object.Size = 42
		event.Records = append(event.Records, record)
	}
	return event
}

func TestDecodesFormEncodedKeys(t *testing.T) {
	for raw, want := range map[string]string{
		"photos/summer+holiday+%281%29.jpg": "photos/summer holiday (1).jpg",
		"a%2Bb.txt":                         "a+b.txt",
		"caf%C3%A9/men%C3%BC.pdf":           "café/menü.pdf",
		"plain/key.txt":                     "plain/key.txt",
	} {
		if got, err := decodeKey(raw); err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", raw, got, err, want)
		}
	}
}

func TestRefusesAKeyThatIsNotFormEncoded(t *testing.T) {
	_, err := Handle(context.Background(), notification([2]string{"ObjectCreated:Put", "bad%zz.txt"}))
	var invalid *InvalidKeyError
	if !errors.As(err, &invalid) || invalid.Key != "bad%zz.txt" {
		t.Errorf("got %v, want InvalidKeyError", err)
	}
	// Unmarshalling such an event fails too: aws-lambda-go decodes the key as it reads the JSON.
	raw := `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"bad%zz"}}}]}`
	if err := json.Unmarshal([]byte(raw), &events.S3Event{}); err == nil {
		t.Error("want an unmarshal error for an undecodable key")
	}
}

func TestRefusesARecordWithoutAKey(t *testing.T) {
	if _, err := Handle(context.Background(), notification([2]string{"ObjectCreated:Put", ""})); err == nil {
		t.Error("want an error for a record without an object key")
	}
}

func TestSummarizesCreatedObjectsAndSkipsOtherNotifications(t *testing.T) {
	summary, err := Handle(context.Background(), notification(
		[2]string{"ObjectCreated:Put", "reports/q4+2026.csv"},
		[2]string{"ObjectRemoved:Delete", "old.csv"},
	))
	out, _ := json.Marshal(summary)
	want := `{"objects":[{"bucket":"uploads","key":"reports/q4 2026.csv","size":42}],"skipped":1}`
	if err != nil || string(out) != want {
		t.Errorf("got %s, %v; want %s", out, err, want)
	}
}

// The sample event is what `svl invoke` sends: a real S3 notification.
func TestHandlesTheSampleEvent(t *testing.T) {
	raw, err := os.ReadFile("events/object-created.json")
	if err != nil {
		t.Fatal(err)
	}
	var event events.S3Event
	if err := json.Unmarshal(raw, &event); err != nil {
		t.Fatal(err)
	}
	summary, err := Handle(context.Background(), event)
	want := []CreatedObject{{Bucket: "uploads-example", Key: "photos/summer holiday (1).jpg", Size: 1024}}
	if err != nil || !reflect.DeepEqual(summary.Objects, want) {
		t.Errorf("got %+v, %v", summary, err)
	}
}

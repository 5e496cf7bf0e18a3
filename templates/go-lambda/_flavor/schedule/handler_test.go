package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const rule = "arn:aws:events:us-east-1:123456789012:rule/every-5-minutes"

func event(detailType string, at time.Time) events.EventBridgeEvent {
	return events.EventBridgeEvent{
		Version:    "0",
		DetailType: detailType,
		Source:     "aws.events",
		Time:       at,
		Resources:  []string{rule},
		Detail:     json.RawMessage(`{}`),
	}
}

var fiveAfterThree = time.Date(2026, 12, 2, 3, 5, 0, 0, time.UTC)

func TestRunsForTheScheduledTime(t *testing.T) {
	run, err := Handle(context.Background(), event(scheduledEvent, fiveAfterThree))
	if err != nil || run != (Run{Rule: rule, ScheduledAt: "2026-12-02T03:05:00Z"}) {
		t.Errorf("got %+v, %v", run, err)
	}
}

func TestRefusesAnEventThatIsNotScheduled(t *testing.T) {
	_, err := Handle(context.Background(), event("Object Created", fiveAfterThree))
	var other *NotAScheduledEventError
	if !errors.As(err, &other) || err.Error() != "expected detail-type 'Scheduled Event', got 'Object Created'" {
		t.Errorf("got %v", err)
	}
}

func TestRefusesAScheduledEventWithoutATime(t *testing.T) {
	if _, err := Handle(context.Background(), event(scheduledEvent, time.Time{})); err == nil {
		t.Error("want an error for a scheduled event without a time")
	}
}

func TestSerializesTheRunAsTheCallerSeesIt(t *testing.T) {
	run, _ := Handle(context.Background(), event(scheduledEvent, fiveAfterThree))
	out, err := json.Marshal(run)
	if want := `{"rule":"` + rule + `","scheduledAt":"2026-12-02T03:05:00Z"}`; err != nil || string(out) != want {
		t.Errorf("got %s, %v", out, err)
	}
}

// The sample events are what `svl invoke` sends: real EventBridge events.
func TestHandlesTheSampleEvents(t *testing.T) {
	read := func(file string) events.EventBridgeEvent {
		raw, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var e events.EventBridgeEvent
		if err := json.Unmarshal(raw, &e); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return e
	}
	if run, err := Handle(context.Background(), read("events/scheduled.json")); err != nil || run.ScheduledAt != "2026-12-02T03:05:00Z" {
		t.Errorf("scheduled.json: got %+v, %v", run, err)
	}
	var other *NotAScheduledEventError
	if _, err := Handle(context.Background(), read("events/not-scheduled.json")); !errors.As(err, &other) {
		t.Errorf("not-scheduled.json: got %v, want NotAScheduledEventError", err)
	}
}

package main

// Scheduled job logic: EventBridge runs the function on the "schedule" in svl.json
// (rate(5 minutes)) and sends a "Scheduled Event"; the job gets the time it was scheduled for.
//
// Use the event's Time, not the clock: a retried or late invoke still knows which run it is.
// EventBridge invokes asynchronously, so an error is retried (twice by default).
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html

import (
	"context"
	"errors"
	"log"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

const scheduledEvent = "Scheduled Event"

// Run is what one run reports (and returns): which rule fired, for which time.
type Run struct {
	Rule        string `json:"rule"`
	ScheduledAt string `json:"scheduledAt"`
}

// NotAScheduledEventError says the function got some other event.
type NotAScheduledEventError struct {
	DetailType string
}

func (e *NotAScheduledEventError) Error() string {
	return "expected detail-type '" + scheduledEvent + "', got '" + e.DetailType + "'"
}

// Handle runs the job once.
func Handle(_ context.Context, event events.EventBridgeEvent) (Run, error) {
	if event.DetailType != scheduledEvent {
		return Run{}, &NotAScheduledEventError{DetailType: event.DetailType}
	}
	if event.Time.IsZero() {
		return Run{}, errors.New("the scheduled event has no 'time'")
	}
	run := Run{ScheduledAt: event.Time.UTC().Format(time.RFC3339)}
	if len(event.Resources) > 0 {
		run.Rule = event.Resources[0]
	}
	log.Printf("scheduled run for %s by %s", run.ScheduledAt, run.Rule)
	return run, nil
}

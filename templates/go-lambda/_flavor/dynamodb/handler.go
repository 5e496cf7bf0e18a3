package main

// DynamoDB Streams logic with a partial batch response: each INSERT, MODIFY and REMOVE of an
// order is handled in order; the first record that cannot be handled is reported by its
// SequenceNumber in BatchItemFailures, and processing stops there.
//
// Stopping is the point: a stream shard is ordered, and Lambda resumes the shard from the lowest
// reported sequence number, so every record after a failure comes back anyway. The list only
// counts when the event source mapping sets ReportBatchItemFailures (see the README); without it
// a nil error checkpoints the whole batch and the failed record is lost.
// https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-lambda-go/events"
)

// Order is the table's item, as this function reads it from NewImage / OldImage.
type Order struct {
	ID     string
	Status string
}

// Handle processes the records in order and reports the first one that failed.
func Handle(_ context.Context, event events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	// Not nil: a nil slice would be sent as "batchItemFailures": null.
	failures := []events.DynamoDBBatchItemFailure{}
	for _, record := range event.Records {
		if err := handleRecord(record); err != nil {
			log.Printf("record %s failed: %v", record.Change.SequenceNumber, err)
			failures = append(failures, events.DynamoDBBatchItemFailure{ItemIdentifier: record.Change.SequenceNumber})
			break
		}
	}
	return events.DynamoDBEventResponse{BatchItemFailures: failures}, nil
}

func handleRecord(record events.DynamoDBEventRecord) error {
	switch record.EventName {
	case "INSERT":
		order, err := readOrder(record.Change.NewImage, "NewImage")
		if err != nil {
			return err
		}
		log.Printf("order %s created (%s)", order.ID, order.Status)
	case "MODIFY":
		old, err := readOrder(record.Change.OldImage, "OldImage")
		if err != nil {
			return err
		}
		order, err := readOrder(record.Change.NewImage, "NewImage")
		if err != nil {
			return err
		}
		log.Printf("order %s: %s -> %s", order.ID, old.Status, order.Status)
	case "REMOVE":
		order, err := readOrder(record.Change.OldImage, "OldImage")
		if err != nil {
			return err
		}
		log.Printf("order %s removed", order.ID)
	default:
		return fmt.Errorf("unknown eventName '%s'", record.EventName)
	}
	return nil
}

// readOrder reads an image; the stream's view type must include it (NEW_AND_OLD_IMAGES).
func readOrder(image map[string]events.DynamoDBAttributeValue, name string) (Order, error) {
	if len(image) == 0 {
		return Order{}, fmt.Errorf("the record has no %s; set the stream view type to NEW_AND_OLD_IMAGES", name)
	}
	id, err := stringAttribute(image, "id")
	if err != nil {
		return Order{}, err
	}
	status, err := stringAttribute(image, "status")
	if err != nil {
		return Order{}, err
	}
	return Order{ID: id, Status: status}, nil
}

// stringAttribute checks the type first: the accessors of DynamoDBAttributeValue panic on any
// other type.
func stringAttribute(image map[string]events.DynamoDBAttributeValue, name string) (string, error) {
	value, ok := image[name]
	if !ok {
		return "", fmt.Errorf("the item is not an order: no attribute '%s'", name)
	}
	if value.DataType() != events.DataTypeString {
		return "", fmt.Errorf("the item is not an order: attribute '%s' is not a string", name)
	}
	return value.String(), nil
}

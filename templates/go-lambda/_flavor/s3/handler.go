package main

// S3 notification logic: for each object created, its bucket, key and size, and a summary back.
//
// S3 sends object keys form-encoded: "photos/summer holiday (1).jpg" arrives as
// "photos/summer+holiday+%281%29.jpg". Use the key as it arrives with GetObject and you get
// NoSuchKey for every name with a space or a special character; decodeKey turns it back.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html

import (
	"context"
	"errors"
	"log"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// CreatedObject is one created object, as the rest of the code should see it.
type CreatedObject struct {
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	Size   int64  `json:"size"`
}

// Summary is what the function returns (and logs): the objects it handled and how many records
// it skipped.
type Summary struct {
	Objects []CreatedObject `json:"objects"`
	Skipped int             `json:"skipped"`
}

// InvalidKeyError says an object key is not valid form encoding.
type InvalidKeyError struct {
	Key string
}

func (e *InvalidKeyError) Error() string {
	return "object key '" + e.Key + "' is not valid form encoding"
}

// Handle summarizes one notification. S3 invokes asynchronously: an error is retried twice, then
// goes to the function's on-failure destination or dead-letter queue, if it has one.
func Handle(_ context.Context, event events.S3Event) (Summary, error) {
	summary := Summary{Objects: []CreatedObject{}}
	for _, record := range event.Records {
		// A bucket can send other notifications (removals, restores) to the same function.
		if !strings.HasPrefix(record.EventName, "ObjectCreated:") {
			summary.Skipped++
			continue
		}
		if record.S3.Bucket.Name == "" || record.S3.Object.Key == "" {
			return Summary{}, errors.New("the record has no bucket name or object key")
		}
		key, err := decodeKey(record.S3.Object.Key)
		if err != nil {
			return Summary{}, err
		}
		summary.Objects = append(summary.Objects, CreatedObject{Bucket: record.S3.Bucket.Name, Key: key, Size: record.S3.Object.Size})
	}
	for _, object := range summary.Objects {
		log.Printf("created s3://%s/%s (%d bytes)", object.Bucket, object.Key, object.Size)
	}
	return summary, nil
}

// decodeKey undoes S3's form encoding: "+" is a space and %XX a byte (a literal "+" arrives as
// %2B). aws-lambda-go fills Object.URLDecodedKey the same way when it unmarshals an event.
func decodeKey(key string) (string, error) {
	decoded, err := url.QueryUnescape(key)
	if err != nil {
		return "", &InvalidKeyError{Key: key}
	}
	return decoded, nil
}

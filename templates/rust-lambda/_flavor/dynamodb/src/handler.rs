//! DynamoDB Streams logic with a partial batch response: each INSERT, MODIFY and REMOVE of an
//! order is handled in order; the first record that cannot be handled is reported by its
//! `SequenceNumber` in `batchItemFailures`, and processing stops there.
//!
//! Stopping is the point: a stream shard is ordered, and Lambda resumes the shard from the
//! lowest reported sequence number, so every record after a failure comes back anyway. The list
//! only counts when the event source mapping sets `ReportBatchItemFailures` (see the README);
//! without it an `Ok` checkpoints the whole batch and the failed record is lost.
//! <https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html>

use std::fmt;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use lambda_runtime::{Error, LambdaEvent};
use serde::Deserialize;

/// The table's items, as this function reads them from NewImage / OldImage.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Order {
    pub id: String,
    pub status: String,
}

/// What one stream record says happened to an order.
#[derive(Debug, PartialEq)]
pub enum Change {
    Inserted(Order),
    Modified { old: Order, new: Order },
    Removed(Order),
}

/// Why one record could not be handled.
#[derive(Debug, PartialEq)]
pub enum RecordError {
    /// The stream's view type lacks the image (it must be NEW_AND_OLD_IMAGES).
    MissingImage(&'static str),
    NotAnOrder(String),
    UnknownEventName(String),
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::MissingImage(image) => write!(
                f,
                "the record has no {image}; set the stream view type to NEW_AND_OLD_IMAGES"
            ),
            RecordError::NotAnOrder(why) => write!(f, "the item is not an order: {why}"),
            RecordError::UnknownEventName(name) => write!(f, "unknown eventName '{name}'"),
        }
    }
}

impl std::error::Error for RecordError {}

pub async fn handle(event: LambdaEvent<Event>) -> Result<DynamoDbEventResponse, Error> {
    Ok(process_batch(&event.payload))
}

pub fn process_batch(event: &Event) -> DynamoDbEventResponse {
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        match change(record) {
            Ok(Change::Inserted(order)) => {
                println!("order {} created ({})", order.id, order.status)
            }
            Ok(Change::Modified { old, new }) => {
                println!("order {}: {} -> {}", new.id, old.status, new.status)
            }
            Ok(Change::Removed(order)) => println!("order {} removed", order.id),
            Err(error) => {
                let sequence_number = record.change.sequence_number.clone().unwrap_or_default();
                println!("record {sequence_number} failed: {error}");
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = Some(sequence_number);
                response.batch_item_failures.push(failure);
                break;
            }
        }
    }
    response
}

pub fn change(record: &EventRecord) -> Result<Change, RecordError> {
    let image = |item: &serde_dynamo::Item, name: &'static str| -> Result<Order, RecordError> {
        if item.is_empty() {
            return Err(RecordError::MissingImage(name));
        }
        serde_dynamo::from_item(item.clone()).map_err(|e| RecordError::NotAnOrder(e.to_string()))
    };
    let images = &record.change;
    match record.event_name.as_str() {
        "INSERT" => Ok(Change::Inserted(image(&images.new_image, "NewImage")?)),
        "MODIFY" => Ok(Change::Modified {
            old: image(&images.old_image, "OldImage")?,
            new: image(&images.new_image, "NewImage")?,
        }),
        "REMOVE" => Ok(Change::Removed(image(&images.old_image, "OldImage")?)),
        other => Err(RecordError::UnknownEventName(other.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use serde_json::{Value, json};

    fn image(id: &str, status: &str) -> Value {
        json!({ "id": { "S": id }, "status": { "S": status } })
    }

    fn record(
        sequence_number: &str,
        event_name: &str,
        old: Option<Value>,
        new: Option<Value>,
    ) -> Value {
        let mut change = json!({
            "ApproximateCreationDateTime": 1764644400,
            "Keys": { "id": { "S": "o-1" } },
            "SequenceNumber": sequence_number,
            "SizeBytes": 59,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        });
        if let Some(old) = old {
            change["OldImage"] = old;
        }
        if let Some(new) = new {
            change["NewImage"] = new;
        }
        json!({
            "eventID": format!("event-{sequence_number}"),
            "eventName": event_name,
            "eventVersion": "1.1",
            "eventSource": "aws:dynamodb",
            "awsRegion": "us-east-1",
            "dynamodb": change,
            "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-12-02T00:00:00.000"
        })
    }

    fn batch(records: Vec<Value>) -> Event {
        serde_json::from_value(json!({ "Records": records })).unwrap()
    }

    fn failed(response: &DynamoDbEventResponse) -> Vec<&str> {
        response
            .batch_item_failures
            .iter()
            .filter_map(|f| f.item_identifier.as_deref())
            .collect()
    }

    #[tokio::test]
    async fn handles_inserts_modifies_and_removes() {
        let records = batch(vec![
            record("100", "INSERT", None, Some(image("o-1", "new"))),
            record(
                "200",
                "MODIFY",
                Some(image("o-1", "new")),
                Some(image("o-1", "paid")),
            ),
            record("300", "REMOVE", Some(image("o-1", "paid")), None),
        ]);
        let response = handle(LambdaEvent::new(records, Context::default()))
            .await
            .unwrap();
        assert!(response.batch_item_failures.is_empty());
    }

    #[test]
    fn reads_both_images_of_a_modify() {
        let records = batch(vec![record(
            "200",
            "MODIFY",
            Some(image("o-1", "new")),
            Some(image("o-1", "paid")),
        )]);
        assert_eq!(
            change(&records.records[0]).unwrap(),
            Change::Modified {
                old: Order {
                    id: "o-1".to_owned(),
                    status: "new".to_owned()
                },
                new: Order {
                    id: "o-1".to_owned(),
                    status: "paid".to_owned()
                },
            }
        );
    }

    #[test]
    fn stops_at_the_first_failure_and_reports_its_sequence_number() {
        let records = batch(vec![
            record("100", "INSERT", None, Some(image("o-1", "new"))),
            record("200", "INSERT", None, Some(json!({ "id": { "S": "o-2" } }))),
            record("300", "INSERT", None, Some(json!({ "nope": { "N": "1" } }))),
        ]);
        assert_eq!(failed(&process_batch(&records)), ["200"]);
    }

    #[test]
    fn says_why_a_record_failed() {
        let keys_only = batch(vec![record("1", "INSERT", None, None)]);
        assert_eq!(
            change(&keys_only.records[0]).unwrap_err(),
            RecordError::MissingImage("NewImage")
        );
        let wrong_type = batch(vec![record(
            "2",
            "REMOVE",
            Some(json!({ "id": { "N": "7" }, "status": { "S": "new" } })),
            None,
        )]);
        assert!(matches!(
            change(&wrong_type.records[0]),
            Err(RecordError::NotAnOrder(_))
        ));
    }

    #[test]
    fn serializes_the_response_as_lambda_reads_it() {
        let records = batch(vec![record("42", "INSERT", None, None)]);
        assert_eq!(
            serde_json::to_value(process_batch(&records)).unwrap(),
            json!({ "batchItemFailures": [{ "itemIdentifier": "42" }] })
        );
    }

    #[test]
    fn handles_the_sample_events() {
        // The same JSON `svl invoke` sends: real DynamoDB Streams events.
        let ok: Event = serde_json::from_str(include_str!("../events/changes.json")).unwrap();
        assert!(process_batch(&ok).batch_item_failures.is_empty());
        let bad: Event =
            serde_json::from_str(include_str!("../events/partial-failure.json")).unwrap();
        assert_eq!(failed(&process_batch(&bad)), ["222200000000000000000002"]);
    }
}

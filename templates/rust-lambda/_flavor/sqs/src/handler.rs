//! SQS batch logic with a partial batch response: every message whose body is not a valid order
//! is named in `batchItemFailures`, so SQS redelivers only those and deletes the rest.
//!
//! One bad message never fails the whole batch (an `Err` would make SQS redeliver every message,
//! the good ones too). The list only counts when the event source mapping sets
//! `ReportBatchItemFailures` (see the README); without it Lambda deletes the whole batch on `Ok`.
//! <https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html>

use std::fmt;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use lambda_runtime::{Error, LambdaEvent};
use serde::Deserialize;

/// The message body this function expects: `{"orderId": "o-1", "quantity": 2}`.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub order_id: String,
    pub quantity: u32,
}

/// Why one message could not be processed.
#[derive(Debug, PartialEq)]
pub enum MessageError {
    NoBody,
    NotAnOrder(String),
    EmptyOrderId,
    ZeroQuantity,
}

impl fmt::Display for MessageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageError::NoBody => write!(f, "the message has no body"),
            MessageError::NotAnOrder(why) => write!(f, "the body is not an order: {why}"),
            MessageError::EmptyOrderId => write!(f, "'orderId' must not be empty"),
            MessageError::ZeroQuantity => write!(f, "'quantity' must be at least 1"),
        }
    }
}

impl std::error::Error for MessageError {}

pub async fn handle(event: LambdaEvent<SqsEvent>) -> Result<SqsBatchResponse, Error> {
    Ok(process_batch(&event.payload))
}

/// Processes each message on its own and reports the ones that failed by message ID.
pub fn process_batch(event: &SqsEvent) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    let mut fifo_failed = false;
    for message in &event.records {
        // A missing ID cannot happen with SQS; an empty identifier makes Lambda retry the whole
        // batch, the safe side.
        let id = message.message_id.clone().unwrap_or_default();
        // FIFO queues keep order within a message group: once one message fails, the later ones
        // must not run before it, so they are reported too and come back after it.
        if fifo_failed {
            response.add_failure(id);
            continue;
        }
        match process(message) {
            Ok(order) => println!(
                "message {id}: order {} x {} processed",
                order.order_id, order.quantity
            ),
            Err(error) => {
                println!("message {id} failed: {error}");
                response.add_failure(id);
                fifo_failed = is_fifo(message);
            }
        }
    }
    response
}

/// One message's work; here, parse and check the order.
pub fn process(message: &SqsMessage) -> Result<Order, MessageError> {
    let body = message.body.as_deref().ok_or(MessageError::NoBody)?;
    let order: Order =
        serde_json::from_str(body).map_err(|e| MessageError::NotAnOrder(e.to_string()))?;
    if order.order_id.trim().is_empty() {
        return Err(MessageError::EmptyOrderId);
    }
    if order.quantity == 0 {
        return Err(MessageError::ZeroQuantity);
    }
    Ok(order)
}

fn is_fifo(message: &SqsMessage) -> bool {
    message
        .event_source_arn
        .as_deref()
        .is_some_and(|arn| arn.ends_with(".fifo"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use serde_json::json;

    fn event(queue: &str, bodies: &[(&str, &str)]) -> SqsEvent {
        let records: Vec<_> = bodies
            .iter()
            .map(|(id, body)| {
                json!({
                    "messageId": id,
                    "body": body,
                    "eventSource": "aws:sqs",
                    "eventSourceARN": format!("arn:aws:sqs:us-east-1:123456789012:{queue}"),
                })
            })
            .collect();
        serde_json::from_value(json!({ "Records": records })).unwrap()
    }

    fn failed_ids(response: &SqsBatchResponse) -> Vec<&str> {
        response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect()
    }

    #[tokio::test]
    async fn reports_no_failures_when_every_message_succeeds() {
        let batch = event(
            "orders",
            &[
                ("a", r#"{"orderId":"o-1","quantity":1}"#),
                ("b", r#"{"orderId":"o-2","quantity":3}"#),
            ],
        );
        let response = handle(LambdaEvent::new(batch, Context::default()))
            .await
            .unwrap();
        assert!(response.batch_item_failures.is_empty());
    }

    #[test]
    fn reports_only_the_messages_that_failed() {
        let batch = event(
            "orders",
            &[
                ("ok-1", r#"{"orderId":"o-1","quantity":1}"#),
                ("not-json", "order o-2, please"),
                ("ok-2", r#"{"orderId":"o-3","quantity":2}"#),
                ("zero", r#"{"orderId":"o-4","quantity":0}"#),
            ],
        );
        assert_eq!(failed_ids(&process_batch(&batch)), ["not-json", "zero"]);
    }

    #[test]
    fn reports_the_rest_of_a_fifo_batch_after_a_failure() {
        let batch = event(
            "orders.fifo",
            &[
                ("first", r#"{"orderId":"o-1","quantity":1}"#),
                ("bad", "{}"),
                ("after", r#"{"orderId":"o-2","quantity":1}"#),
            ],
        );
        assert_eq!(failed_ids(&process_batch(&batch)), ["bad", "after"]);
    }

    #[test]
    fn says_why_a_message_failed() {
        let [not_json, wrong_shape, empty_id, zero] = [
            "nope",
            r#"{"orderId":"o-1"}"#,
            r#"{"orderId":" ","quantity":1}"#,
            r#"{"orderId":"o-1","quantity":0}"#,
        ]
        .map(|body| process(&event("q", &[("id", body)]).records[0]).unwrap_err());
        assert!(matches!(not_json, MessageError::NotAnOrder(_)));
        assert!(wrong_shape.to_string().contains("missing field `quantity`"));
        assert_eq!(empty_id, MessageError::EmptyOrderId);
        assert_eq!(zero, MessageError::ZeroQuantity);
        assert_eq!(
            process(&SqsMessage::default()).unwrap_err(),
            MessageError::NoBody
        );
    }

    #[test]
    fn serializes_the_response_as_lambda_reads_it() {
        let batch = event("q", &[("m-1", "{}")]);
        assert_eq!(
            serde_json::to_value(process_batch(&batch)).unwrap(),
            json!({ "batchItemFailures": [{ "itemIdentifier": "m-1" }] })
        );
        assert_eq!(
            serde_json::to_value(SqsBatchResponse::default()).unwrap(),
            json!({ "batchItemFailures": [] })
        );
    }

    #[test]
    fn handles_the_sample_events() {
        // The same JSON `svl invoke` sends: real SQS events.
        let ok: SqsEvent = serde_json::from_str(include_str!("../events/batch.json")).unwrap();
        assert!(process_batch(&ok).batch_item_failures.is_empty());
        let mixed: SqsEvent =
            serde_json::from_str(include_str!("../events/partial-failure.json")).unwrap();
        assert_eq!(
            failed_ids(&process_batch(&mixed)),
            ["2e1424d4-f796-459a-8184-9c92662be6da"]
        );
    }
}

//! S3 notification logic: for each object created, its bucket, key and size, and a summary back.
//!
//! S3 sends object keys form-encoded: `photos/summer holiday (1).jpg` arrives as
//! `photos/summer+holiday+%281%29.jpg`. Use the key as it arrives with GetObject and you get
//! NoSuchKey for every name with a space or a special character; `decode_key` turns it back.
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html>

use std::fmt;

use aws_lambda_events::event::s3::{S3Event, S3EventRecord};
use lambda_runtime::{Diagnostic, LambdaEvent};
use percent_encoding::percent_decode_str;
use serde::Serialize;

/// One created object, as the rest of the code should see it.
#[derive(Debug, PartialEq, Serialize)]
pub struct CreatedObject {
    pub bucket: String,
    pub key: String,
    pub size: i64,
}

/// What the function returns (and logs): the objects it handled and how many records it skipped.
#[derive(Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub objects: Vec<CreatedObject>,
    pub skipped: usize,
}

#[derive(Debug, PartialEq)]
pub enum S3RecordError {
    MissingField(&'static str),
    InvalidKey(String),
}

impl fmt::Display for S3RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            S3RecordError::MissingField(field) => write!(f, "the record has no {field}"),
            S3RecordError::InvalidKey(key) => {
                write!(f, "object key '{key}' is not valid form-encoded UTF-8")
            }
        }
    }
}

impl std::error::Error for S3RecordError {}

impl From<S3RecordError> for Diagnostic {
    fn from(error: S3RecordError) -> Self {
        let error_type = match error {
            S3RecordError::MissingField(_) => "MissingField",
            S3RecordError::InvalidKey(_) => "InvalidKey",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// S3 invokes asynchronously: an error here is retried twice, then goes to the function's
/// on-failure destination or dead-letter queue, if it has one.
pub async fn handle(event: LambdaEvent<S3Event>) -> Result<Summary, S3RecordError> {
    let summary = summarize(&event.payload)?;
    for object in &summary.objects {
        println!(
            "created s3://{}/{} ({} bytes)",
            object.bucket, object.key, object.size
        );
    }
    Ok(summary)
}

pub fn summarize(event: &S3Event) -> Result<Summary, S3RecordError> {
    let mut summary = Summary::default();
    for record in &event.records {
        // A bucket can send other notifications (removals, restores) to the same function.
        let created = record
            .event_name
            .as_deref()
            .is_some_and(|name| name.starts_with("ObjectCreated:"));
        if created {
            summary.objects.push(created_object(record)?);
        } else {
            summary.skipped += 1;
        }
    }
    Ok(summary)
}

fn created_object(record: &S3EventRecord) -> Result<CreatedObject, S3RecordError> {
    let bucket = record.s3.bucket.name.clone();
    let key = record.s3.object.key.as_deref();
    Ok(CreatedObject {
        bucket: bucket.ok_or(S3RecordError::MissingField("bucket name"))?,
        key: decode_key(key.ok_or(S3RecordError::MissingField("object key"))?)?,
        size: record.s3.object.size.unwrap_or(0),
    })
}

/// `+` is a space and `%XX` a byte; a literal `+` in a key arrives as `%2B`, so the order
/// (spaces first, then bytes) is what makes both come out right.
pub fn decode_key(key: &str) -> Result<String, S3RecordError> {
    percent_decode_str(&key.replace('+', " "))
        .decode_utf8()
        .map(|decoded| decoded.into_owned())
        .map_err(|_| S3RecordError::InvalidKey(key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use serde_json::json;

    fn event(records: &[(&str, &str)]) -> S3Event {
        let records: Vec<_> = records
            .iter()
            .map(|(event_name, key)| {
                json!({
                    "eventVersion": "2.1",
                    "eventSource": "aws:s3",
                    "eventTime": "2026-12-02T03:00:00.000Z",
                    "eventName": event_name,
                    "userIdentity": { "principalId": "AWS:EXAMPLE" },
                    "requestParameters": { "sourceIPAddress": "203.0.113.7" },
                    "responseElements": {},
                    "s3": {
                        "bucket": { "name": "uploads" },
                        "object": { "key": key, "size": 42 }
                    }
                })
            })
            .collect();
        serde_json::from_value(json!({ "Records": records })).unwrap()
    }

    #[test]
    fn decodes_form_encoded_keys() {
        for (raw, want) in [
            (
                "photos/summer+holiday+%281%29.jpg",
                "photos/summer holiday (1).jpg",
            ),
            ("a%2Bb.txt", "a+b.txt"),
            ("caf%C3%A9/men%C3%BC.pdf", "café/menü.pdf"),
            ("plain/key.txt", "plain/key.txt"),
        ] {
            assert_eq!(decode_key(raw).unwrap(), want, "{raw}");
        }
    }

    #[test]
    fn refuses_a_key_that_does_not_decode_to_utf8() {
        assert_eq!(
            decode_key("bad%FF.txt").unwrap_err(),
            S3RecordError::InvalidKey("bad%FF.txt".to_owned())
        );
        let error = summarize(&event(&[("ObjectCreated:Put", "bad%FF.txt")])).unwrap_err();
        assert_eq!(Diagnostic::from(error).error_type, "InvalidKey");
    }

    #[tokio::test]
    async fn summarizes_created_objects_and_skips_other_notifications() {
        let records = event(&[
            ("ObjectCreated:Put", "reports/q4+2026.csv"),
            ("ObjectRemoved:Delete", "old.csv"),
        ]);
        let summary = handle(LambdaEvent::new(records, Context::default()))
            .await
            .unwrap();
        assert_eq!(
            serde_json::to_value(&summary).unwrap(),
            json!({
                "objects": [{ "bucket": "uploads", "key": "reports/q4 2026.csv", "size": 42 }],
                "skipped": 1
            })
        );
    }

    #[test]
    fn names_a_missing_field() {
        let mut records = event(&[("ObjectCreated:Put", "k")]);
        records.records[0].s3.object.key = None;
        assert_eq!(
            summarize(&records).unwrap_err(),
            S3RecordError::MissingField("object key")
        );
    }

    #[test]
    fn handles_the_sample_event() {
        // The same JSON `svl invoke` sends: a real S3 notification.
        let put: S3Event =
            serde_json::from_str(include_str!("../events/object-created.json")).unwrap();
        let summary = summarize(&put).unwrap();
        assert_eq!(
            summary.objects,
            [CreatedObject {
                bucket: "uploads-example".to_owned(),
                key: "photos/summer holiday (1).jpg".to_owned(),
                size: 1024,
            }]
        );
    }
}

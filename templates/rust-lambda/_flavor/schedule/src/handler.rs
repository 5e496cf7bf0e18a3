//! Scheduled job logic: EventBridge runs the function on the `schedule` in svl.json
//! (`rate(5 minutes)`) and sends a "Scheduled Event"; the job gets the time it was scheduled for.
//!
//! Use the event's `time`, not the clock: a retried or late invoke still knows which run it is.
//! EventBridge invokes asynchronously, so an error is retried (twice by default).
//! <https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html>

use std::fmt;

use aws_lambda_events::event::eventbridge::EventBridgeEvent;
use lambda_runtime::{Diagnostic, LambdaEvent};
use serde::Serialize;

const SCHEDULED_EVENT: &str = "Scheduled Event";

/// What one run reports (and returns): which rule fired, for which time.
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub rule: String,
    pub scheduled_at: String,
}

#[derive(Debug, PartialEq)]
pub enum ScheduleError {
    NotAScheduledEvent { detail_type: String },
    NoTime,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScheduleError::NotAScheduledEvent { detail_type } => write!(
                f,
                "expected detail-type '{SCHEDULED_EVENT}', got '{detail_type}'"
            ),
            ScheduleError::NoTime => write!(f, "the scheduled event has no 'time'"),
        }
    }
}

impl std::error::Error for ScheduleError {}

impl From<ScheduleError> for Diagnostic {
    fn from(error: ScheduleError) -> Self {
        let error_type = match error {
            ScheduleError::NotAScheduledEvent { .. } => "NotAScheduledEvent",
            ScheduleError::NoTime => "NoTime",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

pub async fn handle(event: LambdaEvent<EventBridgeEvent>) -> Result<Run, ScheduleError> {
    let run = scheduled_run(&event.payload)?;
    println!("scheduled run for {} by {}", run.scheduled_at, run.rule);
    Ok(run)
}

pub fn scheduled_run(event: &EventBridgeEvent) -> Result<Run, ScheduleError> {
    if event.detail_type != SCHEDULED_EVENT {
        return Err(ScheduleError::NotAScheduledEvent {
            detail_type: event.detail_type.clone(),
        });
    }
    let time = event.time.ok_or(ScheduleError::NoTime)?;
    let rule = event
        .resources
        .as_ref()
        .and_then(|resources| resources.first())
        .cloned()
        .unwrap_or_default();
    Ok(Run {
        rule,
        scheduled_at: time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;
    use serde_json::json;

    fn event(detail_type: &str, time: Option<&str>) -> EventBridgeEvent {
        serde_json::from_value(json!({
            "version": "0",
            "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
            "detail-type": detail_type,
            "source": "aws.events",
            "account": "123456789012",
            "time": time,
            "region": "us-east-1",
            "resources": ["arn:aws:events:us-east-1:123456789012:rule/every-5-minutes"],
            "detail": {}
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn runs_for_the_scheduled_time() {
        let scheduled = event(SCHEDULED_EVENT, Some("2026-12-02T03:05:00Z"));
        let run = handle(LambdaEvent::new(scheduled, Context::default()))
            .await
            .unwrap();
        assert_eq!(
            run,
            Run {
                rule: "arn:aws:events:us-east-1:123456789012:rule/every-5-minutes".to_owned(),
                scheduled_at: "2026-12-02T03:05:00Z".to_owned(),
            }
        );
    }

    #[test]
    fn refuses_an_event_that_is_not_scheduled() {
        let error =
            scheduled_run(&event("Object Created", Some("2026-12-02T03:05:00Z"))).unwrap_err();
        assert_eq!(
            error.to_string(),
            "expected detail-type 'Scheduled Event', got 'Object Created'"
        );
        assert_eq!(Diagnostic::from(error).error_type, "NotAScheduledEvent");
    }

    #[test]
    fn refuses_a_scheduled_event_without_a_time() {
        assert_eq!(
            scheduled_run(&event(SCHEDULED_EVENT, None)).unwrap_err(),
            ScheduleError::NoTime
        );
    }

    #[test]
    fn serializes_the_run_as_the_caller_sees_it() {
        let run = scheduled_run(&event(SCHEDULED_EVENT, Some("2026-12-02T03:05:00Z"))).unwrap();
        assert_eq!(
            serde_json::to_value(&run).unwrap(),
            json!({
                "rule": "arn:aws:events:us-east-1:123456789012:rule/every-5-minutes",
                "scheduledAt": "2026-12-02T03:05:00Z"
            })
        );
    }

    #[test]
    fn handles_the_sample_events() {
        // The same JSON `svl invoke` sends: real EventBridge events.
        let scheduled: EventBridgeEvent =
            serde_json::from_str(include_str!("../events/scheduled.json")).unwrap();
        assert_eq!(
            scheduled_run(&scheduled).unwrap().scheduled_at,
            "2026-12-02T03:05:00Z"
        );
        let other: EventBridgeEvent =
            serde_json::from_str(include_str!("../events/not-scheduled.json")).unwrap();
        assert!(matches!(
            scheduled_run(&other),
            Err(ScheduleError::NotAScheduledEvent { .. })
        ));
    }
}

//! Event logic: `{ "name": "Ada" }` in, `{ "message": "Hello, Ada!" }` out.
//!
//! Invalid input is a typed error: Lambda reports its `errorType` and `errorMessage` to the
//! caller (and to retries, DLQs and destinations for asynchronous invokes).

use std::fmt;

use lambda_runtime::{Diagnostic, LambdaEvent};
use serde::{Deserialize, Serialize};

/// Longest name accepted; keeps responses (and logs) bounded.
const MAX_NAME_CHARS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct Request {
    pub name: String,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Response {
    pub message: String,
}

#[derive(Debug, PartialEq)]
pub enum GreetError {
    EmptyName,
    NameTooLong { chars: usize },
}

impl fmt::Display for GreetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GreetError::EmptyName => write!(f, "'name' must not be empty"),
            GreetError::NameTooLong { chars } => {
                write!(
                    f,
                    "'name' has {chars} characters; at most {MAX_NAME_CHARS} are allowed"
                )
            }
        }
    }
}

impl std::error::Error for GreetError {}

impl From<GreetError> for Diagnostic {
    fn from(error: GreetError) -> Self {
        let error_type = match error {
            GreetError::EmptyName => "EmptyName",
            GreetError::NameTooLong { .. } => "NameTooLong",
        };
        Diagnostic {
            error_type: error_type.to_owned(),
            error_message: error.to_string(),
        }
    }
}

pub async fn handle(event: LambdaEvent<Request>, greeting: &str) -> Result<Response, GreetError> {
    greet(&event.payload, greeting)
}

pub fn greet(request: &Request, greeting: &str) -> Result<Response, GreetError> {
    let name = request.name.trim();
    if name.is_empty() {
        return Err(GreetError::EmptyName);
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(GreetError::NameTooLong { chars });
    }
    Ok(Response {
        message: format!("{greeting}, {name}!"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_runtime::Context;

    fn request(name: &str) -> Request {
        Request {
            name: name.to_owned(),
        }
    }

    #[tokio::test]
    async fn greets_by_name() {
        let event = LambdaEvent::new(request("Ada"), Context::default());
        let response = handle(event, "Hello").await.unwrap();
        assert_eq!(response.message, "Hello, Ada!");
    }

    #[test]
    fn trims_the_name() {
        assert_eq!(
            greet(&request("  Grace "), "Hi").unwrap().message,
            "Hi, Grace!"
        );
    }

    #[test]
    fn rejects_an_empty_name_with_a_typed_error() {
        let error = greet(&request(" "), "Hello").unwrap_err();
        assert_eq!(error, GreetError::EmptyName);
        let diagnostic = Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "EmptyName");
        assert_eq!(diagnostic.error_message, "'name' must not be empty");
    }

    #[test]
    fn rejects_a_name_that_is_too_long() {
        let error = greet(&request(&"a".repeat(101)), "Hello").unwrap_err();
        assert_eq!(error, GreetError::NameTooLong { chars: 101 });
        assert_eq!(Diagnostic::from(error).error_type, "NameTooLong");
    }

    #[test]
    fn serializes_the_response_as_the_caller_sees_it() {
        let response = greet(&request("Ada"), "Hello").unwrap();
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            serde_json::json!({ "message": "Hello, Ada!" })
        );
    }

    #[test]
    fn handles_the_sample_events() {
        // The same JSON `svl invoke` sends.
        let ok: Request = serde_json::from_str(include_str!("../events/greet.json")).unwrap();
        assert_eq!(greet(&ok, "Hello").unwrap().message, "Hello, Ada!");
        let bad: Request = serde_json::from_str(include_str!("../events/empty-name.json")).unwrap();
        assert_eq!(greet(&bad, "Hello").unwrap_err(), GreetError::EmptyName);
    }
}

//! The generateContent wire format (https://ai.google.dev/api/generate-content): the request we
//! send, and what an answer means — text, a refusal, a truncation, or an error with RetryInfo.
use std::time::Duration;

use axum::http::StatusCode;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::engine::ApiError;

const PROMPT: &str = "Transcribe all text in this image exactly as written, preserving line breaks. \
Do not translate, summarize or describe the image. If there is no text, return an empty string.";

const IMAGE_PLACEHOLDER: &str = "\"__svl_image__\"";

/// Finish and block reasons that mean the model declined to answer (the request is at fault,
/// or its content): 422, not a server error.
const REFUSALS: [&str; 8] = [
    "SAFETY",
    "RECITATION",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
    "LANGUAGE",
    "OTHER",
];

/// The request: image inline (bare base64, no `data:` prefix), temperature 0 and a response
/// schema so the answer is JSON we can parse instead of prose. Built as bytes around the base64
/// text, so the image exists once in it (no serde_json::Value copy of a 19 MB string).
pub fn request_body(image: &[u8], mime: &str) -> Vec<u8> {
    let shape = json!({
        "contents": [{
            "role": "user",
            "parts": [
                { "inline_data": { "mime_type": mime, "data": "__svl_image__" } },
                { "text": PROMPT }
            ]
        }],
        "generationConfig": {
            "temperature": 0,
            "responseMimeType": "application/json",
            "responseSchema": {
                "type": "OBJECT",
                "properties": {
                    "text": { "type": "STRING", "description": "all text, lines separated by \\n" },
                    "lines": { "type": "ARRAY", "items": { "type": "STRING" } },
                    "language": { "type": "STRING", "description": "BCP-47 code of the main language" }
                },
                "required": ["text"]
            }
        }
    })
    .to_string();
    let (head, tail) = shape
        .split_once(IMAGE_PLACEHOLDER)
        .expect("the placeholder is in the shape");
    let mut body = String::with_capacity(head.len() + image.len().div_ceil(3) * 4 + tail.len() + 2);
    body.push_str(head);
    body.push('"');
    base64::engine::general_purpose::STANDARD.encode_string(image, &mut body);
    body.push('"');
    body.push_str(tail);
    body.into_bytes()
}

pub struct Answer {
    pub text: String,
    pub lines: Vec<String>,
    pub language: Option<String>,
    pub model_version: Option<String>,
}

/// A 200's body: the model's JSON answer, or why there is none.
pub fn parse_answer(bytes: &[u8]) -> Result<Answer, ApiError> {
    let response: GenerateResponse = serde_json::from_slice(bytes)
        .map_err(|_| ApiError::unusable("the model's answer is not generateContent JSON"))?;
    if let Some(reason) = response
        .prompt_feedback
        .and_then(|f| f.block_reason)
        .filter(|r| r != "BLOCK_REASON_UNSPECIFIED")
    {
        return Err(refused(reason));
    }
    let candidate = response
        .candidates
        .into_iter()
        .flatten()
        .next()
        .ok_or_else(|| ApiError::unusable("the model returned no candidates"))?;
    match candidate.finish_reason.as_deref() {
        Some(reason) if REFUSALS.contains(&reason) => return Err(refused(reason.to_string())),
        Some("MAX_TOKENS") => {
            let mut error = ApiError::new(
                StatusCode::BAD_GATEWAY,
                "model_answer_truncated",
                "the model stopped: MAX_TOKENS",
            );
            error.reason = Some("MAX_TOKENS".into());
            return Err(error);
        }
        _ => {}
    }
    let text: String = candidate
        .content
        .and_then(|c| c.parts)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.text)
        .collect();
    if text.is_empty() {
        return Err(ApiError::unusable("the model returned no text"));
    }
    let answer: ModelAnswer =
        serde_json::from_str(&text).map_err(|_| ApiError::unusable("the model's answer is not the requested JSON"))?;
    Ok(Answer {
        text: answer.text,
        lines: answer.lines,
        language: answer.language.filter(|l| !l.is_empty()),
        model_version: response.model_version,
    })
}

fn refused(reason: String) -> ApiError {
    let mut error = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "model_refused",
        format!("the model stopped: {reason}"),
    );
    error.reason = Some(reason);
    error
}

/// An error answer: whether it means "overloaded or out of quota" (429/503, RESOURCE_EXHAUSTED,
/// UNAVAILABLE), and google.rpc.RetryInfo's `"retryDelay": "1.5s"` when given.
pub fn read_error(status: StatusCode, body: &[u8]) -> (bool, Option<Duration>) {
    let error = serde_json::from_slice::<GoogleError>(body).ok().map(|e| e.error);
    let named = error
        .as_ref()
        .and_then(|e| e.status.as_deref())
        .is_some_and(|s| matches!(s, "RESOURCE_EXHAUSTED" | "UNAVAILABLE"));
    let overloaded = named || matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE);
    let delay = error.and_then(|e| {
        e.details.iter().find_map(|d| {
            let is_retry_info = d.get("@type")?.as_str()?.ends_with("google.rpc.RetryInfo");
            let seconds: f64 = d.get("retryDelay")?.as_str()?.strip_suffix('s')?.parse().ok()?;
            (is_retry_info && seconds.is_finite() && seconds >= 0.0)
                .then(|| Duration::from_secs_f64(seconds.min(86_400.0)))
        })
    });
    (overloaded, delay)
}

#[derive(Deserialize)]
struct GenerateResponse {
    candidates: Option<Vec<Candidate>>,
    #[serde(rename = "modelVersion")]
    model_version: Option<String>,
    #[serde(rename = "promptFeedback")]
    prompt_feedback: Option<PromptFeedback>,
}

#[derive(Deserialize)]
struct PromptFeedback {
    #[serde(rename = "blockReason")]
    block_reason: Option<String>,
}

#[derive(Deserialize)]
struct Candidate {
    content: Option<Content>,
    #[serde(rename = "finishReason")]
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    parts: Option<Vec<Part>>,
}

#[derive(Deserialize)]
struct Part {
    text: Option<String>,
}

#[derive(Deserialize)]
struct ModelAnswer {
    text: String,
    #[serde(default)]
    lines: Vec<String>,
    language: Option<String>,
}

#[derive(Deserialize)]
struct GoogleError {
    error: GoogleErrorBody,
}

#[derive(Deserialize)]
struct GoogleErrorBody {
    status: Option<String>,
    #[serde(default)]
    details: Vec<Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_retry_info_and_quota_status() {
        let body = br#"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","details":[
            {"@type":"type.googleapis.com/google.rpc.QuotaFailure"},
            {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}"#;
        assert_eq!(
            read_error(StatusCode::BAD_REQUEST, body),
            (true, Some(Duration::from_millis(1500)))
        );
        assert_eq!(
            read_error(StatusCode::INTERNAL_SERVER_ERROR, b"not json"),
            (false, None)
        );
        assert!(read_error(StatusCode::SERVICE_UNAVAILABLE, b"").0);
    }

    #[test]
    fn the_request_is_valid_json_with_the_image_once() {
        let body = request_body(b"\x89PNG bytes", "image/png");
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        let data = parsed["contents"][0]["parts"][0]["inline_data"]["data"]
            .as_str()
            .unwrap();
        assert_eq!(
            base64::engine::general_purpose::STANDARD.decode(data).unwrap(),
            b"\x89PNG bytes"
        );
    }

    #[test]
    fn refusals_truncations_and_empty_answers() {
        let case = |body: &str| {
            parse_answer(body.as_bytes())
                .err()
                .map(|e| (e.status.as_u16(), e.code, e.reason))
        };
        assert_eq!(
            case(r#"{"candidates":[{"finishReason":"SAFETY"}]}"#),
            Some((422, "model_refused", Some("SAFETY".into())))
        );
        assert_eq!(
            case(r#"{"promptFeedback":{"blockReason":"PROHIBITED_CONTENT"}}"#),
            Some((422, "model_refused", Some("PROHIBITED_CONTENT".into())))
        );
        assert_eq!(
            case(r#"{"candidates":[{"finishReason":"MAX_TOKENS","content":{"parts":[{"text":"{\"te"}]}}]}"#),
            Some((502, "model_answer_truncated", Some("MAX_TOKENS".into())))
        );
        assert_eq!(case(r#"{"candidates":[]}"#), Some((502, "model_answer_unusable", None)));
        assert_eq!(case("<html>"), Some((502, "model_answer_unusable", None)));
    }
}

//! Reading an upload: within OCR_BODY_TIMEOUT_MS, charged to the receive budget as bytes arrive,
//! never more than OCR_MAX_UPLOAD_BYTES. No other slot is held meanwhile, so slow uploads cost
//! only the bytes they have sent.
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use http_body_util::BodyExt;
use tokio::time::timeout;

use crate::budget::{Charge, MemoryBudget};
use crate::engine::ApiError;

pub struct Upload {
    pub bytes: Vec<u8>,
    /// Receive-budget permits for `bytes`, held until the request ends.
    pub charge: Charge,
}

fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("upload is over {limit} bytes (OCR_MAX_UPLOAD_BYTES)"),
    )
    .closing()
}

/// The raw body, or the multipart field "file".
pub async fn read_upload(
    request: Request,
    limit: usize,
    budget: &MemoryBudget,
    deadline: Duration,
) -> Result<Upload, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    let (parts, mut body) = request.into_parts();
    let mut charge = Charge::default();
    // With a Content-Length the buffer is reserved once (untouched pages cost nothing); without,
    // it grows by doubling, and a copy in flight holds up to twice what arrived.
    let growth = if declared.is_some() { 1 } else { 2 };
    let receive = async {
        let mut bytes = Vec::with_capacity(declared.unwrap_or(0) as usize);
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_request",
                    "could not read the request body",
                )
                .with_cause(e)
                .closing()
            })?;
            let Ok(data) = frame.into_data() else { continue };
            let total = bytes.len() + data.len();
            if total > limit {
                return Err(too_large(limit));
            }
            budget.hold_received(&mut charge, (total * growth) as u64)?;
            bytes.extend_from_slice(&data);
        }
        Ok(bytes)
    };
    let mut bytes = timeout(deadline, receive).await.map_err(|_| {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            format!("the upload did not arrive within {} ms", deadline.as_millis()),
        )
        .closing()
    })??;
    if is_multipart {
        // The field is copied out of the body: hold both until the body is dropped.
        budget.hold_received(&mut charge, bytes.len() as u64 * 2)?;
        bytes = multipart_file(Request::from_parts(parts, Body::from(bytes)), limit).await?;
    }
    if bytes.is_empty() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "empty_body",
            "the request has no image bytes",
        ));
    }
    Ok(Upload { bytes, charge })
}

async fn multipart_file(request: Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "bad_multipart", m);
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| bad(e.body_text()))?;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let data = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        too_large(limit)
                    } else {
                        bad(e.body_text())
                    }
                })?;
                return Ok(data.to_vec());
            }
            Ok(Some(_)) => continue,
            Ok(None) => {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "missing_file",
                    "multipart body has no field named file",
                ))
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large(limit)),
            Err(e) => return Err(bad(e.body_text())),
        }
    }
}

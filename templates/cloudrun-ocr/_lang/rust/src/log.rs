use axum::http::HeaderMap;
use serde_json::{Map, Value};

/// One JSON object per line on stdout, in the shape Cloud Logging parses: severity, message, and
/// the request's trace. Never pass secrets in `fields`.
pub fn log(severity: &str, message: &str, trace: Option<&str>, fields: Value) {
    println!("{}", line(severity, message, trace, fields));
}

pub fn line(severity: &str, message: &str, trace: Option<&str>, fields: Value) -> String {
    let mut entry = Map::new();
    entry.insert("severity".into(), severity.into());
    entry.insert("message".into(), message.into());
    if let Some(trace) = trace {
        entry.insert("logging.googleapis.com/trace".into(), trace.into());
    }
    if let Value::Object(extra) = fields {
        entry.extend(extra);
    }
    Value::Object(entry).to_string()
}

/// X-Cloud-Trace-Context is "TRACE_ID/SPAN_ID;o=OPTIONS"
/// (https://cloud.google.com/trace/docs/trace-context); logs link by project and trace id.
pub fn trace_field(headers: &HeaderMap, project: Option<&str>) -> Option<String> {
    let header = headers.get("x-cloud-trace-context")?.to_str().ok()?;
    let trace_id = header.split('/').next().filter(|id| !id.is_empty())?;
    Some(format!("projects/{}/traces/{trace_id}", project?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cloud_logging_shape_with_trace() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-cloud-trace-context",
            "105445aa7843bc8bf206b12000100000/1;o=1".parse().unwrap(),
        );
        let trace = trace_field(&headers, Some("my-project"));
        let parsed: Value =
            serde_json::from_str(&line("WARNING", "slow", trace.as_deref(), serde_json::json!({"ms": 5}))).unwrap();
        assert_eq!(parsed["severity"], "WARNING");
        assert_eq!(parsed["message"], "slow");
        assert_eq!(parsed["ms"], 5);
        assert_eq!(
            parsed["logging.googleapis.com/trace"],
            "projects/my-project/traces/105445aa7843bc8bf206b12000100000"
        );
        assert_eq!(trace_field(&headers, None), None);
    }
}

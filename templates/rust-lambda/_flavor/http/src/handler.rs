//! HTTP logic for a function URL or an HTTP API (payload format 2.0).
//!
//! `GET /?name=Ada` greets; `POST` with a JSON body echoes it back. Bad input gets a 4xx JSON
//! error, not a Lambda error: the caller made the mistake, the function did not fail.

use lambda_http::http::{Method, StatusCode};
use lambda_http::{Body, Error, Request, RequestExt, Response};
use serde_json::{Value, json};

pub async fn handle(request: Request, greeting: &str) -> Result<Response<Body>, Error> {
    Ok(route(&request, greeting))
}

fn route(request: &Request, greeting: &str) -> Response<Body> {
    match *request.method() {
        Method::GET => {
            let params = request.query_string_parameters_ref();
            let name = params.and_then(|p| p.first("name")).unwrap_or("world");
            if name.trim().is_empty() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "query parameter 'name' must not be empty",
                );
            }
            json_response(
                StatusCode::OK,
                &json!({ "message": format!("{greeting}, {name}!") }),
            )
        }
        Method::POST => {
            let body = request.body().as_ref();
            if body.is_empty() {
                return error(StatusCode::BAD_REQUEST, "send a JSON body");
            }
            match serde_json::from_slice::<Value>(body) {
                Ok(value) => json_response(StatusCode::OK, &json!({ "echo": value })),
                Err(err) => error(
                    StatusCode::BAD_REQUEST,
                    &format!("body is not valid JSON: {err}"),
                ),
            }
        }
        _ => error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST"),
    }
}

fn error(status: StatusCode, message: &str) -> Response<Body> {
    json_response(status, &json!({ "error": message }))
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("status and header are valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::aws_lambda_events::apigw::ApiGatewayV2httpRequest;
    use lambda_http::request::LambdaRequest;
    use std::collections::HashMap;

    fn body_json(response: &Response<Body>) -> Value {
        serde_json::from_slice(response.body().as_ref()).expect("response body is JSON")
    }

    fn get(query: &[(&str, &str)]) -> Request {
        let params: HashMap<String, String> = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Request::default().with_query_string_parameters(params)
    }

    #[tokio::test]
    async fn greets_by_name() {
        let response = handle(get(&[("name", "Ada")]), "Hello").await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "application/json");
        assert_eq!(body_json(&response), json!({ "message": "Hello, Ada!" }));
    }

    #[test]
    fn greets_the_world_without_a_name() {
        let response = route(&get(&[]), "Hi");
        assert_eq!(body_json(&response), json!({ "message": "Hi, world!" }));
    }

    #[test]
    fn rejects_an_empty_name() {
        let response = route(&get(&[("name", " ")]), "Hello");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(
            body_json(&response)["error"]
                .as_str()
                .unwrap()
                .contains("name")
        );
    }

    fn post(body: &str) -> Request {
        let mut request = Request::new(Body::from(body));
        *request.method_mut() = Method::POST;
        request
    }

    #[test]
    fn echoes_a_json_body() {
        let response = route(&post(r#"{"answer":42}"#), "Hello");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(body_json(&response), json!({ "echo": { "answer": 42 } }));
    }

    #[test]
    fn rejects_a_body_that_is_not_json() {
        let response = route(&post("answer=42"), "Hello");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert!(
            body_json(&response)["error"]
                .as_str()
                .unwrap()
                .starts_with("body is not valid JSON")
        );
    }

    #[test]
    fn asks_for_a_body_when_there_is_none() {
        let response = route(&post(""), "Hello");
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(body_json(&response), json!({ "error": "send a JSON body" }));
    }

    #[test]
    fn refuses_other_methods() {
        let mut request = Request::default();
        *request.method_mut() = Method::DELETE;
        assert_eq!(
            route(&request, "Hello").status(),
            StatusCode::METHOD_NOT_ALLOWED
        );
    }

    #[test]
    fn handles_a_payload_v2_event_built_field_by_field() {
        // aws_lambda_events 1.x types are #[non_exhaustive]: start from Default, then set fields.
        let mut event = ApiGatewayV2httpRequest::default();
        event.raw_path = Some("/".to_owned());
        event.request_context.http.method = Method::GET;
        event.query_string_parameters =
            HashMap::from([("name".to_owned(), "Grace".to_owned())]).into();
        let request: Request = LambdaRequest::ApiGatewayV2(event).into();
        assert_eq!(
            body_json(&route(&request, "Hello")),
            json!({ "message": "Hello, Grace!" })
        );
    }

    #[test]
    fn handles_the_sample_function_url_events() {
        // The same JSON `svl invoke` sends, parsed the way the runtime parses it.
        let get = lambda_http::request::from_str(include_str!("../events/get.json")).unwrap();
        assert_eq!(
            body_json(&route(&get, "Hello")),
            json!({ "message": "Hello, Ada!" })
        );
        let post = lambda_http::request::from_str(include_str!("../events/post.json")).unwrap();
        assert_eq!(
            body_json(&route(&post, "Hello")),
            json!({ "echo": { "name": "Ada", "language": "rust" } })
        );
    }
}

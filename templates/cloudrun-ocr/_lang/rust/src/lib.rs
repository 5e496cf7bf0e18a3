//! OCR service for Cloud Run: `POST /v1/ocr` with image bytes, JSON text back.
pub mod body;
pub mod breaker;
pub mod budget;
pub mod config;
pub mod engine;
pub mod gemini;
pub mod generate_content;
pub mod log;
pub mod pixels;
pub mod preprocess;
pub mod server;
pub mod sniff;
pub mod tesseract;

//! OCR service for Cloud Run: `POST /v1/ocr` with image bytes, JSON text back.
pub mod config;
pub mod engine;
pub mod gemini;
pub mod log;
pub mod preprocess;
pub mod server;
pub mod sniff;
pub mod tesseract;

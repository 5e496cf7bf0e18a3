use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::thumbnail;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

use crate::engine::ApiError;
use crate::pixels::{fitted, ImageHeader};

/// Below this size, an image that needs no downscaling is sent as it is: re-encoding it costs
/// more CPU (and latency under load) than the bytes it would save.
const SMALL_UPLOAD: usize = 256 * 1024;

/// The bytes an engine receives, and their type.
#[derive(Debug, PartialEq)]
pub struct Prepared {
    pub bytes: Vec<u8>,
    pub mime: &'static str,
}

/// Grayscale and downscale to `max_side` before sending: fewer bytes uploaded and fewer image
/// tokens billed (Gemini bills large images per 768 px tile), with no loss for OCR. Every image
/// with a header is decoded (so a corrupt one is a 422 here, not a puzzle for the model); the
/// original is kept when it is small already or the result is not smaller. TIFF is always
/// converted: Gemini does not read it. HEIC and PDF (no header) pass through.
///
/// `max_alloc` is what the work budget granted: the decoder's second line of defence.
pub fn prepare(
    original: Vec<u8>,
    mime: &'static str,
    header: Option<&ImageHeader>,
    max_side: u32,
    max_alloc: u64,
) -> Result<Prepared, ApiError> {
    let Some(header) = header else {
        return Ok(Prepared { bytes: original, mime });
    };
    let mut reader = ImageReader::with_format(Cursor::new(&original), header.format);
    let mut limits = Limits::default();
    limits.max_alloc = Some(max_alloc);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|e| ApiError::bad_image().with_cause(e))?;
    let must_convert = header.format == ImageFormat::Tiff;
    let (width, height) = fitted(decoded.width(), decoded.height(), max_side);
    let needs_resize = (width, height) != (decoded.width(), decoded.height());
    if !must_convert && !needs_resize && original.len() <= SMALL_UPLOAD {
        return Ok(Prepared { bytes: original, mime });
    }
    // into_luma8 reuses the buffer when the image is gray already.
    let mut gray = decoded.into_luma8();
    if needs_resize {
        // Area averaging in integers: `resize` would allocate a 16-byte-per-pixel f32 buffer of
        // width × new height, more than the decoded photo itself.
        gray = thumbnail(&gray, width, height);
    }
    let gray = DynamicImage::ImageLuma8(gray);
    let mut out = Cursor::new(Vec::new());
    let encoded = if matches!(header.format, ImageFormat::Png | ImageFormat::Tiff) {
        // Screenshots and scans: lossless keeps glyph edges sharp.
        let png = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive);
        gray.write_with_encoder(png).map(|()| "image/png")
    } else {
        // Photos: JPEG stays far smaller than PNG for the same pixels.
        gray.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .map(|()| "image/jpeg")
    };
    let encoded_mime =
        encoded.map_err(|e| ApiError::internal("preprocess_failed", "could not prepare the image").with_cause(e))?;
    let smaller = out.into_inner();
    if must_convert || smaller.len() < original.len() {
        Ok(Prepared {
            bytes: smaller,
            mime: encoded_mime,
        })
    } else {
        Ok(Prepared { bytes: original, mime })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixels::read_header;
    use image::{ImageBuffer, Rgb};

    fn encoded(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    fn run(bytes: Vec<u8>, mime: &'static str, max_side: u32) -> Result<Prepared, ApiError> {
        let header = read_header(&bytes, mime)?;
        prepare(bytes, mime, header.as_ref(), max_side, 512 << 20)
    }

    #[test]
    fn downscales_and_grays_a_large_colour_image() {
        // Noisy pixels, like a photo: nothing compresses them but fewer channels and fewer pixels.
        let noise = |x: u32, y: u32, c: u32| {
            (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ c).wrapping_mul(2246822519) >> 24
        };
        let img = ImageBuffer::from_fn(3000, 1000, |x, y| {
            Rgb([noise(x, y, 1) as u8, noise(x, y, 2) as u8, noise(x, y, 3) as u8])
        });
        let original = encoded(&DynamicImage::ImageRgb8(img), ImageFormat::Png);
        let out = run(original.clone(), "image/png", 1500).unwrap();
        assert_eq!(out.mime, "image/png");
        assert!(out.bytes.len() < original.len());
        let decoded = image::load_from_memory(&out.bytes).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1500, 500));
        assert_eq!(decoded.color(), image::ColorType::L8);
    }

    #[test]
    fn sends_small_images_as_they_are() {
        let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(200, 50, |x, _| Rgb([x as u8, 0, 0])));
        let original = encoded(&img, ImageFormat::Png);
        assert_eq!(run(original.clone(), "image/png", 2048).unwrap().bytes, original);
    }

    #[test]
    fn tiff_becomes_png_and_heic_passes_through() {
        let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(64, 32, |x, _| Rgb([x as u8, 9, 9])));
        let out = run(encoded(&img, ImageFormat::Tiff), "image/tiff", 2048).unwrap();
        assert_eq!(out.mime, "image/png");
        assert_eq!(image::load_from_memory(&out.bytes).unwrap().width(), 64);
        let heic = b"\0\0\0\x18ftypheic-not-really".to_vec();
        assert_eq!(run(heic.clone(), "image/heic", 100).unwrap().bytes, heic);
    }

    #[test]
    fn truncated_pixels_are_a_bad_image() {
        let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(300, 300, |x, y| Rgb([x as u8, y as u8, 7])));
        for format in [ImageFormat::Png, ImageFormat::Jpeg] {
            let mut bytes = encoded(&img, format);
            bytes.truncate(bytes.len() / 2);
            let mime = if format == ImageFormat::Png {
                "image/png"
            } else {
                "image/jpeg"
            };
            let error = run(bytes, mime, 2048).unwrap_err();
            assert_eq!((error.status.as_u16(), error.code), (422, "bad_image"), "{format:?}");
        }
    }

    #[test]
    fn the_decoder_refuses_more_than_the_work_budget_granted() {
        let img = DynamicImage::ImageRgb8(ImageBuffer::from_fn(1000, 1000, |x, _| Rgb([x as u8, 0, 0])));
        let png = encoded(&img, ImageFormat::Png);
        let header = read_header(&png, "image/png").unwrap();
        let error = prepare(png, "image/png", header.as_ref(), 2048, 1 << 20).unwrap_err();
        assert_eq!(error.code, "bad_image");
    }
}

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader};

/// Below this size, an image that needs no downscaling is sent as it is: decoding and re-encoding
/// it costs more CPU (and latency under load) than the bytes it would save.
const SMALL_UPLOAD: usize = 256 * 1024;

/// Grayscale and downscale to `max_side` before sending: fewer bytes uploaded and fewer image
/// tokens billed (Gemini bills large images per 768 px tile), with no loss for OCR. Returns the
/// bytes to send and their MIME type; falls back to the original when the image crate cannot
/// decode it (HEIC, PDF), when it is small already, or when the result is not smaller.
pub fn shrink(original: Vec<u8>, mime: &'static str, max_side: u32) -> (Vec<u8>, &'static str) {
    match try_shrink(&original, mime, max_side) {
        Some((smaller, smaller_mime)) if smaller.len() < original.len() => (smaller, smaller_mime),
        _ => (original, mime),
    }
}

fn try_shrink(original: &[u8], mime: &'static str, max_side: u32) -> Option<(Vec<u8>, &'static str)> {
    let format = match mime {
        "image/png" => ImageFormat::Png,
        "image/jpeg" => ImageFormat::Jpeg,
        "image/webp" => ImageFormat::WebP,
        _ => return None,
    };
    let (width, height) = ImageReader::with_format(Cursor::new(original), format)
        .into_dimensions()
        .ok()?;
    if width.max(height) <= max_side && original.len() <= SMALL_UPLOAD {
        return None;
    }
    let decoded = image::load_from_memory_with_format(original, format).ok()?;
    let mut gray = DynamicImage::ImageLuma8(decoded.to_luma8());
    if gray.width().max(gray.height()) > max_side {
        gray = gray.resize(max_side, max_side, FilterType::Triangle);
    }
    let mut out = Cursor::new(Vec::new());
    if format == ImageFormat::Png {
        // Screenshots and scans: lossless keeps glyph edges sharp.
        let png = PngEncoder::new_with_quality(&mut out, CompressionType::Fast, PngFilter::Adaptive);
        gray.write_with_encoder(png).ok()?;
        Some((out.into_inner(), "image/png"))
    } else {
        // Photos: JPEG stays far smaller than PNG for the same pixels.
        gray.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .ok()?;
        Some((out.into_inner(), "image/jpeg"))
    }
}

#[cfg(test)]
mod tests {
    use super::shrink;
    use image::{ImageBuffer, Rgb};
    use std::io::Cursor;

    #[test]
    fn downscales_and_grays_a_large_colour_image() {
        // Noisy pixels, like a photo: nothing compresses them but fewer channels and fewer pixels.
        let noise = |x: u32, y: u32, c: u32| {
            (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503) ^ c).wrapping_mul(2246822519) >> 24
        };
        let img = ImageBuffer::from_fn(3000, 1000, |x, y| {
            Rgb([noise(x, y, 1) as u8, noise(x, y, 2) as u8, noise(x, y, 3) as u8])
        });
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let original = png.into_inner();
        let (out, mime) = shrink(original.clone(), "image/png", 1500);
        assert_eq!(mime, "image/png");
        assert!(out.len() < original.len());
        let decoded = image::load_from_memory(&out).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1500, 500));
        assert_eq!(decoded.color(), image::ColorType::L8);
    }

    #[test]
    fn sends_small_images_as_they_are() {
        let img = ImageBuffer::from_fn(200, 50, |x, _| Rgb([x as u8, 0, 0]));
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let original = png.into_inner();
        assert_eq!(shrink(original.clone(), "image/png", 2048), (original, "image/png"));
    }

    #[test]
    fn keeps_what_it_cannot_decode() {
        let heic = b"\0\0\0\x18ftypheic-not-really".to_vec();
        assert_eq!(shrink(heic.clone(), "image/heic", 100), (heic, "image/heic"));
    }
}

//! What an image will cost before it is decoded: its header's dimensions and pixel format.
//! A 446 KB PNG can declare 12000×12000 pixels; decoding it first is how an instance dies.
use std::io::Cursor;

use axum::http::StatusCode;
use image::{ImageDecoder, ImageFormat, ImageReader};

use crate::engine::ApiError;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageHeader {
    pub width: u32,
    pub height: u32,
    /// Bytes per pixel once decoded (16-bit PNG: 6 for RGB).
    pub bytes_per_pixel: u64,
    /// Progressive JPEG: the decoder keeps every DCT coefficient (i16 per sample) until the end.
    pub progressive: bool,
    pub format: ImageFormat,
}

impl ImageHeader {
    pub fn pixels(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }

    /// The largest allocation total decoding and shrinking may need, per the format's decoder:
    /// the decoded buffer, the decoder's own working set, the grayscale copy, the downscaled
    /// image and its encoding, and the input copy the JPEG decoder makes.
    pub fn work_bytes(&self, upload_bytes: u64, max_side: u32) -> u64 {
        let pixels = self.pixels();
        let decoded = pixels * self.bytes_per_pixel;
        let decoder_working_set = match self.format {
            ImageFormat::Jpeg if self.progressive => pixels * self.bytes_per_pixel * 2,
            ImageFormat::Jpeg => upload_bytes + pixels / 4,
            ImageFormat::WebP => pixels * 4,
            ImageFormat::Tiff => decoded,
            _ => 0,
        };
        let gray = if self.bytes_per_pixel == 1 { 0 } else { pixels };
        let (w, h) = fitted(self.width, self.height, max_side);
        // Downscaled pixels, their encoding, and the encoding in base64 inside the request JSON.
        let out = u64::from(w) * u64::from(h) * 4;
        decoded + decoder_working_set + gray + out + (1 << 20)
    }
}

/// Dimensions with the long side brought down to `max_side`, keeping the aspect ratio.
pub fn fitted(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max_side {
        return (width, height);
    }
    let scale = |side: u32| ((u64::from(side) * u64::from(max_side)).div_ceil(u64::from(long)) as u32).max(1);
    (scale(width), scale(height))
}

/// The header of a type that has one; `None` for types only the model reads (HEIC, PDF).
/// An unreadable or truncated header is a bad image, whatever the engine.
pub fn read_header(bytes: &[u8], mime: &str) -> Result<Option<ImageHeader>, ApiError> {
    let format = match mime {
        "image/jpeg" => return jpeg_header(bytes).map(Some).ok_or_else(ApiError::bad_image),
        // Read here rather than by the image crate, which refuses bilevel (fax, scanner) TIFFs
        // that tesseract reads well.
        "image/tiff" => return tiff_header(bytes).map(Some).ok_or_else(ApiError::bad_image),
        "image/png" => ImageFormat::Png,
        "image/webp" => ImageFormat::WebP,
        _ => return Ok(None),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Limits apply to decoding; here we only look, and judge the size ourselves.
    reader.no_limits();
    let decoder = reader.into_decoder().map_err(|e| ApiError::bad_image().with_cause(e))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(ApiError::bad_image().with_cause("zero width or height"));
    }
    Ok(Some(ImageHeader {
        width,
        height,
        bytes_per_pixel: u64::from(decoder.color_type().bytes_per_pixel()),
        progressive: false,
        format,
    }))
}

pub fn check_pixels(header: &ImageHeader, max_pixels: u64) -> Result<(), ApiError> {
    if header.pixels() <= max_pixels {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_many_pixels",
        format!(
            "the image declares {}×{} = {} pixels, over this service's budget of {max_pixels} pixels (OCR_MAX_PIXELS)",
            header.width,
            header.height,
            header.pixels()
        ),
    ))
}

/// Walks JPEG markers to the first SOFn frame header (ITU T.81 B.2.2) without decoding:
/// height, width, component count, and whether the frame is progressive.
fn jpeg_header(b: &[u8]) -> Option<ImageHeader> {
    let mut i = 2; // after SOI
    loop {
        while *b.get(i)? != 0xFF {
            i += 1; // tolerate junk between segments, as decoders do
        }
        while *b.get(i)? == 0xFF {
            i += 1; // fill bytes
        }
        let marker = *b.get(i)?;
        i += 1;
        if matches!(marker, 0xD0..=0xD9 | 0x01) {
            continue; // RSTn, SOI, EOI, TEM: no length
        }
        let length = usize::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]));
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let segment = b.get(i + 2..i + length)?;
            let height = u16::from_be_bytes([segment[1], segment[2]]);
            let width = u16::from_be_bytes([segment[3], segment[4]]);
            let components = u64::from(*segment.get(5)?);
            if width == 0 || height == 0 || components == 0 {
                return None;
            }
            // Entropy-coded data never holds FF D9 (T.81 B.1.1.5: FF is stuffed), so a frame
            // without an EOI after it was cut off. The decoder would fill the rest with gray.
            let rest = &b[i..];
            if !rest.windows(2).rev().any(|w| w == [0xFF, 0xD9]) {
                return None;
            }
            return Some(ImageHeader {
                width: width.into(),
                height: height.into(),
                // CMYK is converted to RGB, but decoded as four channels first.
                bytes_per_pixel: components,
                progressive: matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE),
                format: ImageFormat::Jpeg,
            });
        }
        i += length;
    }
}

/// The first IFD's ImageWidth, ImageLength, BitsPerSample and SamplesPerPixel (TIFF 6.0 §2).
fn tiff_header(b: &[u8]) -> Option<ImageHeader> {
    let little = b.starts_with(b"II");
    let u16_at = |at: usize| {
        let pair = [*b.get(at)?, *b.get(at + 1)?];
        Some(if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        })
    };
    let u32_at = |at: usize| {
        let quad = [*b.get(at)?, *b.get(at + 1)?, *b.get(at + 2)?, *b.get(at + 3)?];
        Some(if little {
            u32::from_le_bytes(quad)
        } else {
            u32::from_be_bytes(quad)
        })
    };
    let ifd = u32_at(4)? as usize;
    let (mut width, mut height, mut bits, mut samples) = (None, None, 1u64, 1u64);
    for n in 0..usize::from(u16_at(ifd)?) {
        let entry = ifd + 2 + n * 12;
        let (tag, kind, count) = (u16_at(entry)?, u16_at(entry + 2)?, u32_at(entry + 4)?);
        // SHORT (3) or LONG (4); one value sits in the entry, several behind an offset.
        let value = |index: usize| match (kind, count) {
            (3, 1..=2) => u16_at(entry + 8 + index * 2).map(u32::from),
            (3, _) => u16_at(u32_at(entry + 8)? as usize + index * 2).map(u32::from),
            (4, 1) => u32_at(entry + 8),
            _ => None,
        };
        match tag {
            256 => width = value(0),
            257 => height = value(0),
            258 => bits = u64::from(value(0)?),
            277 => samples = u64::from(value(0)?),
            _ => {}
        }
    }
    let (width, height) = (width?, height?);
    if width == 0 || height == 0 || samples == 0 {
        return None;
    }
    Some(ImageHeader {
        width,
        height,
        bytes_per_pixel: bits.div_ceil(8).max(1) * samples,
        progressive: false,
        format: ImageFormat::Tiff,
    })
}

#[cfg(test)]
pub mod tests {
    use super::*;

    /// A PNG that declares `width`×`height` but carries one tiny IDAT: a header bomb.
    pub fn png_header_bomb(width: u32, height: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend((data.len() as u32).to_be_bytes());
            out.extend(kind);
            out.extend(data);
            out.extend(crc32(kind, data).to_be_bytes());
        }
        let mut ihdr = Vec::new();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]); // 8-bit RGB
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        chunk(&mut png, b"IHDR", &ihdr);
        chunk(&mut png, b"IDAT", &[0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]);
        chunk(&mut png, b"IEND", &[]);
        png
    }

    fn crc32(kind: &[u8], data: &[u8]) -> u32 {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(kind);
        hasher.update(data);
        hasher.finalize()
    }

    #[test]
    fn a_header_bomb_is_measured_without_decoding() {
        let bomb = png_header_bomb(50_000, 50_000);
        let header = read_header(&bomb, "image/png").unwrap().unwrap();
        assert_eq!(
            (header.width, header.height, header.bytes_per_pixel),
            (50_000, 50_000, 3)
        );
        let refused = check_pixels(&header, 25_000_000).unwrap_err();
        assert_eq!(
            (refused.status, refused.code),
            (StatusCode::PAYLOAD_TOO_LARGE, "too_many_pixels")
        );
        assert!(refused.message.contains("50000×50000"), "{}", refused.message);
        assert!(refused.message.contains("OCR_MAX_PIXELS"));
    }

    #[test]
    fn jpeg_frames_are_found_past_app_segments() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x06, b'E', b'x', b'i', b'f'];
        jpeg.extend([0xFF, 0xC2, 0x00, 0x11, 8, 0x0F, 0xA0, 0x17, 0x70, 3]);
        jpeg.extend([0; 9]);
        jpeg.extend([0xFF, 0xD9]);
        let header = jpeg_header(&jpeg).unwrap();
        assert_eq!((header.width, header.height, header.bytes_per_pixel), (6000, 4000, 3));
        assert!(header.progressive);
        assert!(read_header(&jpeg[..12], "image/jpeg").is_err(), "truncated header");
        assert!(read_header(&jpeg[..jpeg.len() - 2], "image/jpeg").is_err(), "no EOI");
        assert!(read_header(b"\x89PNG\r\n\x1a\n\0\0", "image/png").is_err());
        assert_eq!(read_header(b"%PDF-1.7", "application/pdf").unwrap(), None);
        assert!(read_header(b"II*\0\x08\0\0\0", "image/tiff").is_err(), "truncated TIFF");
    }

    #[test]
    fn tiff_dimensions_come_from_the_first_ifd() {
        let img = image::DynamicImage::ImageRgb8(image::RgbImage::new(300, 20));
        let mut tiff = Cursor::new(Vec::new());
        img.write_to(&mut tiff, ImageFormat::Tiff).unwrap();
        let header = read_header(tiff.get_ref(), "image/tiff").unwrap().unwrap();
        assert_eq!((header.width, header.height, header.bytes_per_pixel), (300, 20, 3));
    }

    #[test]
    fn a_phone_photo_fits_the_default_work_budget_of_512_mib() {
        let photo = ImageHeader {
            width: 6000,
            height: 4000,
            bytes_per_pixel: 3,
            progressive: false,
            format: ImageFormat::Jpeg,
        };
        let cost = photo.work_bytes(8 << 20, 2048);
        assert!(cost < 224 << 20, "{} MiB", cost >> 20);
        assert_eq!(fitted(6000, 4000, 2048), (2048, 1366));
    }
}
